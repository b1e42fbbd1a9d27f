# Helpers shared by every component's CMakeLists.txt.

# freshwatch_library(NAME SOURCES ... DEPS ...): a static library named freshwatch_NAME
# whose headers are included as "NAME/header.h" from src/.
function(freshwatch_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(freshwatch_${name} STATIC ${ARG_SOURCES})
  target_include_directories(freshwatch_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(freshwatch_${name} PUBLIC ${ARG_DEPS})
endfunction()

# freshwatch_test(NAME SOURCES ... DEPS ... [LABELS ...]): a GoogleTest executable, registered
# with CTest test by test. Unit tests sit beside the code as *_test.cc.
function(freshwatch_test name)
  if(NOT FRESHWATCH_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE
    FRESHWATCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    FRESHWATCH_TESTDATA_DIR="${PROJECT_SOURCE_DIR}/../shared/testdata")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}")
endfunction()
