# Installs into a temporary prefix and checks that the installed executable speaks Azerbaijani
# and Russian, i.e. finds its catalogs relative to itself.
set(prefix ${BUILD_DIR}/install-check)
file(REMOVE_RECURSE ${prefix})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix}
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed")
endif()
foreach(pair "az;Əmrlər" "ru;Команды")
  list(GET pair 0 lang)
  list(GET pair 1 expected)
  execute_process(COMMAND ${prefix}/bin/dilmanc --ui-lang ${lang} --help
                  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  string(FIND "${out}" "${expected}" at)
  if(NOT rc EQUAL 0 OR at EQUAL -1)
    message(FATAL_ERROR "installed dilmanc does not speak ${lang}:\n${out}")
  endif()
endforeach()
file(REMOVE_RECURSE ${prefix})
message(STATUS "installed executable finds its catalogs")
