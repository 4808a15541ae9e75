# SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
# SPDX-License-Identifier: Apache-2.0
#
# gpuext_embed_files(TARGET name DIR dir NAMESPACE ns)
# Compiles every file under DIR into a static library TARGET: a generated .cpp holding the
# bytes and an index, and a header <TARGET>.h declaring
#   namespace ns { std::span<const gpuext::helm::EmbeddedFile> Files(); }
# read with gpuext::helm::ChartFS::FromEmbedded(ns::Files(), "<sub-dir>"). Regenerated when
# a file under DIR changes (files added or removed are seen at the next configure).
set(GPUEXT_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/gpuext_embed_gen.cmake)

function(gpuext_embed_files)
  cmake_parse_arguments(ARG "" "TARGET;DIR;NAMESPACE" "" ${ARGN})
  get_filename_component(dir ${ARG_DIR} ABSOLUTE)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${dir}/*)
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/${ARG_TARGET}_gen)
  set(out_cpp ${gen_dir}/${ARG_TARGET}.cpp)
  set(out_h ${gen_dir}/include/${ARG_TARGET}.h)
  add_custom_command(
    OUTPUT ${out_cpp} ${out_h}
    COMMAND ${CMAKE_COMMAND} -DDIR=${dir} -DOUT_CPP=${out_cpp} -DOUT_H=${out_h}
            -DNAMESPACE=${ARG_NAMESPACE} -DHEADER=${ARG_TARGET}.h -P ${GPUEXT_EMBED_SCRIPT}
    DEPENDS ${files} ${GPUEXT_EMBED_SCRIPT}
    COMMENT "Embedding ${ARG_DIR} into ${ARG_TARGET}")
  add_library(${ARG_TARGET} STATIC ${out_cpp})
  target_include_directories(${ARG_TARGET} PUBLIC ${gen_dir}/include)
  target_link_libraries(${ARG_TARGET} PUBLIC gpuext::helm)
  target_compile_features(${ARG_TARGET} PUBLIC cxx_std_20)
endfunction()
