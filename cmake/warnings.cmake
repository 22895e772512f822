# Warnings are errors on our own code; sanitizers are switched on for every target of the build.
function(replyd_warnings target)
  # g++ 12 reports false -Warray-bounds / -Wstringop-overflow on inlined std::string code at -O2
  # (GCC bugs 105329, 105651); the sanitizer build checks bounds for real.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-missing-field-initializers
                                           -Wno-array-bounds -Wno-stringop-overflow -Wno-restrict)
endfunction()

if(REPLYD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
