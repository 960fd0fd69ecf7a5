# accord_target_defaults(target): warnings we hold ourselves to, and optional sanitizers.
option(ACCORD_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

function(accord_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(ACCORD_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()
