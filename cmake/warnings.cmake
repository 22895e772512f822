# Warnings are errors on our own code; sanitizers are switched on for every target of the build.
function(replyd_warnings target)
  # g++ 12 reports false -Warray-bounds / -Wstringop-overflow / -Wrestrict on inlined std::string
  # code at -O2 (GCC bugs 105329, 105651), and a false -Wmismatched-new-delete on Asio's coroutine
  # frames, which have their own class operator new/delete; the sanitizer build checks these for real.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-missing-field-initializers
                                           -Wno-array-bounds -Wno-stringop-overflow -Wno-restrict
                                           -Wno-mismatched-new-delete)
endfunction()

if(REPLYD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
