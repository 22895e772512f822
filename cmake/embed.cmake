# replyd_embed_directory(DIR OUT HEADER NAMESPACE VAR): generate OUT, a C++ file defining
# `std::span<const EmbeddedFile> NAMESPACE::embedded_files()` (declared in HEADER) with every file below
# DIR; VAR is set to OUT for add_library. Used for the UI assets and the PostgreSQL migrations.
function(replyd_embed_directory dir out header namespace var)
  file(GLOB_RECURSE files CONFIGURE_DEPENDS ${dir}/*)
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DDIR=${dir} -DOUT=${out} -DHEADER=${header} -DNAMESPACE=${namespace}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${dir}")
  set(${var} ${out} PARENT_SCOPE)
endfunction()
