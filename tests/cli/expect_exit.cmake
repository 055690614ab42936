# cmake -DCMD="prog;arg;..." -DEXPECT_RC=3 -DEXPECT_STDERR=regex [-DEXPECT_STDOUT=regex] -P expect_exit.cmake
# Passes when the command exits with EXPECT_RC, its stderr matches EXPECT_STDERR and (if given)
# its stdout matches EXPECT_STDOUT.
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "expected exit code ${EXPECT_RC}, got ${rc}\nstderr:\n${err}\nstdout:\n${out}")
endif()
if(NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}':\n${err}")
endif()
if(DEFINED EXPECT_STDOUT AND NOT out MATCHES "${EXPECT_STDOUT}")
  message(FATAL_ERROR "stdout does not match '${EXPECT_STDOUT}':\n${out}")
endif()
message(STATUS "${err}${out}")
