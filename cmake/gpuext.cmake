# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
# Build helpers in the manner of Abseil's absl_cc_library: one static library per folder,
# PUBLIC include/, PRIVATE src/, warnings as errors on our own targets only.

set(GPUEXT_WARNINGS -Wall -Wextra -Wpedantic -Werror)
# g++ 12 reports false -Wrestrict (-O3, GCC bug 105651) and -Warray-bounds/-Wstringop-overflow
# (-O1 and up, GCC bugs 105329, 105545) errors inside libstdc++'s inlined std::string code, which
# breaks builds of correct code. Out-of-bounds accesses are still caught by the ASan/UBSan build
# (GPUEXT_SANITIZE) and by g++ >= 13.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND GPUEXT_WARNINGS -Wno-restrict -Wno-array-bounds -Wno-stringop-overflow
       -Wno-stringop-overread)
endif()

set(GPUEXT_PCH_HEADERS
  <algorithm> <chrono> <functional> <map> <memory> <mutex> <optional> <string> <string_view>
  <utility> <vector> <nlohmann/json.hpp>)

# Two shared precompiled headers instead of one per target: every library and binary reuses
# gpuext_pch_code's, every test executable gpuext_pch_test's (CMake REUSE_FROM). They are built
# with the same compiler flags as their users (build type, warnings, C++ standard, gtest's
# definitions); extra -D flags of a user that the precompiled headers do not read keep the
# PCH valid (GCC checks only what the PCH depends on, and -Winvalid-pch under -Werror would
# fail the build otherwise). One PCH per target cost about a fifth of a cold build
# (docs/decisions/0003-shared-precompiled-headers.md).
function(gpuext_pch_owner owner)
  if(TARGET ${owner})
    return()
  endif()
  set(src ${CMAKE_BINARY_DIR}/pch/${owner}.cpp)
  file(CONFIGURE OUTPUT ${src} CONTENT "// Owner of a shared precompiled header; no code.\n")
  add_library(${owner} OBJECT ${src})
  gpuext_apply_common(${owner})
  target_link_libraries(${owner} PRIVATE nlohmann_json::nlohmann_json ${ARGN})
endfunction()

function(gpuext_use_pch target)
  if(NOT GPUEXT_PCH)
    return()
  endif()
  target_link_libraries(${target} PRIVATE nlohmann_json::nlohmann_json)
  if(ARGV1 STREQUAL "TEST")
    if(NOT TARGET gpuext_pch_test)
      gpuext_pch_owner(gpuext_pch_test GTest::gmock GTest::gtest_main)
      target_precompile_headers(gpuext_pch_test PRIVATE ${GPUEXT_PCH_HEADERS} <gmock/gmock.h>
                                <gtest/gtest.h>)
    endif()
    target_precompile_headers(${target} REUSE_FROM gpuext_pch_test)
  else()
    if(NOT TARGET gpuext_pch_code)
      gpuext_pch_owner(gpuext_pch_code)
      target_precompile_headers(gpuext_pch_code PRIVATE ${GPUEXT_PCH_HEADERS})
    endif()
    target_precompile_headers(${target} REUSE_FROM gpuext_pch_code)
  endif()
endfunction()

# Unity builds (GPUEXT_UNITY): a library, binary or test compiles its sources in batches of
# GPUEXT_UNITY_BATCH_SIZE files, one translation unit each. About two thirds of a test file's
# compile time is the front end parsing and instantiating the same json/GoogleTest templates, so
# fewer, larger translation units cut a cold build's CPU time
# (docs/decisions/0004-unity-builds.md). The header check objects stay one per header: merged,
# they would no longer prove that a header compiles on its own.
function(gpuext_use_unity target)
  if(GPUEXT_UNITY)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON
                                               UNITY_BUILD_BATCH_SIZE ${GPUEXT_UNITY_BATCH_SIZE})
    # GCC exempts only the main file from -Wsubobject-linkage (a class in a header with a member
    # of an anonymous-namespace type). In a unity translation unit every .cpp is an included
    # file, so a pimpl holding a file-local helper would be reported. Real headers are still
    # checked: the header check objects and GPUEXT_UNITY=OFF builds keep the warning.
    target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
  endif()
endfunction()

function(gpuext_apply_common target)
  # -pthread everywhere (it defines _REENTRANT, which the standard headers read): targets that
  # link Threads::Threads get it anyway, and a shared precompiled header is only valid for
  # users compiled with the same setting.
  target_compile_options(${target} PRIVATE ${GPUEXT_WARNINGS} -pthread)
  if(GPUEXT_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# gpuext_add_library(NAME kube SRCS ... DEPS ... PRIVATE_DEPS ...)
# Creates gpuext_<NAME> with alias gpuext::<NAME>, plus gpuext_<NAME>_headers, an object
# library that compiles every public header on its own (part of the check_headers target).
function(gpuext_add_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target gpuext_${ARG_NAME})
  add_library(${target} STATIC ${ARG_SRCS})
  add_library(gpuext::${ARG_NAME} ALIAS ${target})
  set_property(GLOBAL APPEND PROPERTY GPUEXT_LIBRARIES ${ARG_NAME})
  target_include_directories(${target} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                       PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  gpuext_apply_common(${target})
  gpuext_use_pch(${target})
  gpuext_use_unity(${target})

  # Header self-containment: one generated .cpp per public header.
  file(GLOB_RECURSE headers RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/include
       CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/include/*.h)
  set(check_srcs)
  foreach(h IN LISTS headers)
    string(MAKE_C_IDENTIFIER "${h}" id)
    set(src ${CMAKE_CURRENT_BINARY_DIR}/header_check/${id}.cpp)
    file(CONFIGURE OUTPUT ${src} CONTENT "#include \"${h}\"\n")
    list(APPEND check_srcs ${src})
  endforeach()
  if(check_srcs)
    add_library(${target}_headers OBJECT EXCLUDE_FROM_ALL ${check_srcs})
    target_link_libraries(${target}_headers PRIVATE ${target})
    gpuext_apply_common(${target}_headers)
    # These objects are never linked: they only prove each header compiles on its own, so
    # code generation effort is wasted on them.
    target_compile_options(${target}_headers PRIVATE -O0)
    if(NOT TARGET check_headers)
      add_custom_target(check_headers)
    endif()
    add_dependencies(check_headers ${target}_headers)
  endif()
endfunction()

# gpuext_add_binary(NAME kube-emulator SRCS main.cpp DEPS ...)
function(gpuext_add_binary)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS})
  gpuext_apply_common(${ARG_NAME})
  gpuext_use_pch(${ARG_NAME})
  gpuext_use_unity(${ARG_NAME})
  set_target_properties(${ARG_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)
endfunction()

# gpuext_add_test(NAME kube_test SRCS ... DEPS ... LABELS unit [TIMEOUT s])
# One GoogleTest executable, each test registered with ctest and labelled.
function(gpuext_add_test)
  cmake_parse_arguments(ARG "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  gpuext_apply_common(${ARG_NAME})
  gpuext_use_pch(${ARG_NAME} TEST)
  gpuext_use_unity(${ARG_NAME})
  target_compile_definitions(${ARG_NAME} PRIVATE
    GPUEXT_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    GPUEXT_BINARY_DIR="${CMAKE_BINARY_DIR}")
  gtest_discover_tests(${ARG_NAME}
    PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    DISCOVERY_TIMEOUT 60)
endfunction()

# gpuext_add_area_tests(PREFIX webhook DEPS ... [INTEGRATION_AREAS a b] [INTEGRATION_DEPS ...])
# One test executable <PREFIX>_<area>_test per subfolder <area>/ of the calling directory (its
# *.cpp), so parallel work on different areas never collides in one CMakeLists.txt. Areas named
# in INTEGRATION_AREAS start real peers (containerd, emulator, s3rver): they are labelled
# integration and also get INTEGRATION_DEPS; the others are labelled unit. `testdata` is skipped.
function(gpuext_add_area_tests)
  cmake_parse_arguments(ARG "" "PREFIX" "DEPS;INTEGRATION_AREAS;INTEGRATION_DEPS" ${ARGN})
  file(GLOB areas LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}
       ${CMAKE_CURRENT_SOURCE_DIR}/*)
  foreach(area IN LISTS areas)
    if(NOT IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${area} OR area STREQUAL "testdata")
      continue()
    endif()
    file(GLOB area_srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${area}/*.cpp)
    if(NOT area_srcs)
      continue()
    endif()
    set(label unit)
    set(extra_deps)
    if(area IN_LIST ARG_INTEGRATION_AREAS)
      set(label integration)
      set(extra_deps ${ARG_INTEGRATION_DEPS})
    endif()
    gpuext_add_test(
      NAME ${ARG_PREFIX}_${area}_test
      SRCS ${area_srcs}
      DEPS ${ARG_DEPS} ${extra_deps} gpuext::testing
      LABELS ${label}
      TIMEOUT 300)
  endforeach()
endfunction()
