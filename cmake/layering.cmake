# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
# The layering check (DESIGN.md §5): after all libraries are defined, write the direct
# gpuext -> gpuext link edges to a file and register ctest `check_layering`, which compares them
# with cmake/layering_rules.txt. `check_layering_detects_violation` proves the check can fail.
function(gpuext_write_layering_edges)
  get_property(libs GLOBAL PROPERTY GPUEXT_LIBRARIES)
  set(content "")
  foreach(lib IN LISTS libs)
    get_target_property(links gpuext_${lib} LINK_LIBRARIES)
    set(line_added FALSE)
    foreach(dep IN LISTS links)
      if(dep MATCHES "^gpuext::(.+)$")
        string(APPEND content "${lib} ${CMAKE_MATCH_1}\n")
        set(line_added TRUE)
      endif()
    endforeach()
    if(NOT line_added)
      string(APPEND content "${lib}\n")
    endif()
  endforeach()
  file(WRITE ${CMAKE_BINARY_DIR}/layering_edges.txt "${content}")
  file(WRITE ${CMAKE_BINARY_DIR}/layering_edges_bad.txt "kube gardener\nhelm kube\n")
  add_test(NAME check_layering
           COMMAND ${CMAKE_COMMAND} -DEDGES=${CMAKE_BINARY_DIR}/layering_edges.txt
                   -DRULES=${PROJECT_SOURCE_DIR}/cmake/layering_rules.txt
                   -P ${PROJECT_SOURCE_DIR}/cmake/check_layering.cmake)
  add_test(NAME check_layering_detects_violation
           COMMAND ${CMAKE_COMMAND} -DEDGES=${CMAKE_BINARY_DIR}/layering_edges_bad.txt
                   -DRULES=${PROJECT_SOURCE_DIR}/cmake/layering_rules.txt
                   -P ${PROJECT_SOURCE_DIR}/cmake/check_layering.cmake)
  set_tests_properties(check_layering check_layering_detects_violation PROPERTIES LABELS unit)
  set_tests_properties(check_layering_detects_violation PROPERTIES
    PASS_REGULAR_EXPRESSION "forbidden edge kube -> gardener.*forbidden edge helm -> kube")
endfunction()
