# Extracts every translatable message from the sources (the keywords of src/text/messages.h)
# and fails when a language's merged catalog lacks a translation for one of them.
file(GLOB_RECURSE sources ${SOURCE_DIR}/src/*.cpp ${SOURCE_DIR}/src/*.h)
list(SORT sources)
set(pot ${BUILD_DIR}/po/dilmanc.pot)
execute_process(
  COMMAND ${XGETTEXT} --from-code=UTF-8 --language=C++ --keyword=tr:1 --keyword=trf:1
          --keyword=N_:1 --add-comments=TRANSLATORS --no-location --omit-header -o ${pot} ${sources}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "xgettext failed")
endif()
if(NOT EXISTS ${pot})
  message(STATUS "no translatable messages found")
  return()
endif()
set(failed "")
foreach(lang IN LISTS LANGS)
  execute_process(
    COMMAND ${MSGCMP} ${BUILD_DIR}/po/${lang}/dilmanc.po ${pot}
    RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
  if(NOT rc EQUAL 0)
    message("catalog ${lang} is incomplete:\n${out}${err}")
    list(APPEND failed ${lang})
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "incomplete catalogs: ${failed} (add the messages to locales/<lang>/<part>.po)")
endif()
message(STATUS "all catalogs complete: ${LANGS}")
