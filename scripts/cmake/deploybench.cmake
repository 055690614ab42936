# Helpers shared by every library, app and test (style guide: no per-library boilerplate).
include_guard(GLOBAL)

add_library(deploybench_warnings INTERFACE)
add_library(deploybench::warnings ALIAS deploybench_warnings)
target_compile_options(deploybench_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(DEPLOYBENCH_WERROR)
  target_compile_options(deploybench_warnings INTERFACE -Werror)
endif()

add_library(deploybench_options INTERFACE)
add_library(deploybench::options ALIAS deploybench_options)
target_compile_features(deploybench_options INTERFACE cxx_std_20)
if(DEPLOYBENCH_SANITIZE)
  target_compile_options(deploybench_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(deploybench_options INTERFACE -fsanitize=address,undefined)
endif()

# db_add_library(NAME SOURCES a.cpp ... [DEPS public deps...] [PRIVATE_DEPS ...])
# Creates static library deploybench_NAME with alias deploybench::NAME; headers are included
# as "NAME/header.h" relative to lib/.
function(db_add_library name)
  cmake_parse_arguments(A "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(deploybench_${name} STATIC ${A_SOURCES})
  add_library(deploybench::${name} ALIAS deploybench_${name})
  target_include_directories(deploybench_${name} PUBLIC ${PROJECT_SOURCE_DIR}/lib)
  target_link_libraries(deploybench_${name} PUBLIC deploybench::options ${A_DEPS}
                        PRIVATE deploybench::warnings ${A_PRIVATE_DEPS})
endfunction()

# db_add_test(LIB file_test.cpp ... [DEPS extra libs] [LABELS labels])
# One Catch2 executable per library, tests discovered into ctest as "LIB: test name".
function(db_add_test lib)
  cmake_parse_arguments(A "" "" "DEPS;LABELS" ${ARGN})
  set(exe ${lib}_tests)
  add_executable(${exe} ${A_UNPARSED_ARGUMENTS})
  target_link_libraries(${exe} PRIVATE deploybench_catch_main deploybench::${lib} ${A_DEPS}
                        deploybench::warnings deploybench::options)
  target_include_directories(${exe} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${exe} PRIVATE
    DEPLOYBENCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}" DEPLOYBENCH_BINARY_DIR="${PROJECT_BINARY_DIR}")
  set(labels ${lib})
  if(A_LABELS)
    list(APPEND labels ${A_LABELS})
  else()
    list(APPEND labels unit)
  endif()
  # The label list travels through a generated script: escape its separators or only the
  # first label survives.
  string(REPLACE ";" "\\;" labels "${labels}")
  catch_discover_tests(${exe} TEST_PREFIX "${lib}: " PROPERTIES LABELS "${labels}")
endfunction()

# Writes the git revision into a generated header at every build (only touching it when it
# changes), so `--version` never reports a stale revision.
function(db_version_header)
  set(out ${PROJECT_BINARY_DIR}/generated/core/version_info.h)
  add_custom_target(deploybench_version_header
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSRC=${PROJECT_SOURCE_DIR}
            -DVERSION=${PROJECT_VERSION} -P ${PROJECT_SOURCE_DIR}/scripts/cmake/write_version.cmake
    BYPRODUCTS ${out}
    COMMENT "" VERBATIM)
endfunction()
