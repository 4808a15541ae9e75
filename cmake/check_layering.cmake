# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
cmake_minimum_required(VERSION 3.25)

# cmake -DEDGES=<file> -DRULES=<file> -P check_layering.cmake
# EDGES holds one "from to" line per direct link between gpuext libraries (written at configure
# time by gpuext_write_layering_edges); RULES is cmake/layering_rules.txt. Fails with one line
# per forbidden edge, naming the fix.
file(STRINGS "${RULES}" rule_lines REGEX "^[a-z_]+:")
set(known)
foreach(line IN LISTS rule_lines)
  string(REGEX MATCH "^([a-z_]+):(.*)$" _ "${line}")
  set(lib "${CMAKE_MATCH_1}")
  string(STRIP "${CMAKE_MATCH_2}" allowed)
  string(REPLACE " " ";" allowed "${allowed}")
  set(allowed_${lib} "${allowed}")
  list(APPEND known ${lib})
endforeach()

file(STRINGS "${EDGES}" edge_lines)
set(failures)
foreach(line IN LISTS edge_lines)
  string(REPLACE " " ";" edge "${line}")
  list(GET edge 0 from)
  if(NOT from IN_LIST known)
    list(APPEND failures "library '${from}' has no row in cmake/layering_rules.txt: add it with the libraries it may link (DESIGN.md §5)")
    continue()
  endif()
  list(LENGTH edge n)
  if(n LESS 2)
    continue()
  endif()
  list(GET edge 1 to)
  if("*" IN_LIST allowed_${from} OR to IN_LIST allowed_${from})
    continue()
  endif()
  string(REPLACE ";" " " allowed_text "${allowed_${from}}")
  list(APPEND failures "forbidden edge ${from} -> ${to}: '${from}' may link only [${allowed_text}] (DESIGN.md §5), so move the code or change the design first")
endforeach()

if(failures)
  list(REMOVE_DUPLICATES failures)
  string(REPLACE ";" "\n  " text "${failures}")
  message(FATAL_ERROR "check_layering:\n  ${text}")
endif()
list(LENGTH edge_lines count)
message(STATUS "check_layering: ${count} edges within the layering rules")
