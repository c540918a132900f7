# gitrev.cmake - writes OUT (gitrev.h) with the source tree's git revision,
# run at every build (cmake -P) so that `secretcap --version` never shows a
# stale one. The file is rewritten only when the revision changes, so only
# buildinfo.c recompiles. Outside a git checkout (a release tarball) the
# revision is empty and --version shows none.
#   cmake -DSRC=<source dir> -DOUT=<file> -P gitrev.cmake
set(rev "")
find_program(GIT git)
if(GIT AND EXISTS "${SRC}/.git")
  execute_process(COMMAND ${GIT} -C ${SRC} rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE rev OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE rc ERROR_QUIET)
  if(NOT rc EQUAL 0)
    set(rev "")
  else()
    execute_process(COMMAND ${GIT} -C ${SRC} diff --quiet HEAD --
                    RESULT_VARIABLE dirty ERROR_QUIET)
    if(NOT dirty EQUAL 0)
      set(rev "${rev}-dirty")
    endif()
  endif()
endif()
set(text "#define SECRETCAP_GIT \"${rev}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
else()
  set(old "")
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUT}" "${text}")
endif()
