# replyd_embed_directory(DIR OUT VAR): generate OUT, a C++ file defining the table that
# ui/assets.h declares, holding every file below DIR; VAR is set to OUT for add_library.
function(replyd_embed_directory dir out var)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${dir}/*)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDIR=${dir} -DOUT=${out} -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding UI assets")
  set(${var} ${out} PARENT_SCOPE)
endfunction()
