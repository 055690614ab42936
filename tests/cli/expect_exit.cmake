# cmake -DCMD="prog;arg;..." -DEXPECT_RC=3 -DEXPECT_STDERR=regex -P expect_exit.cmake
# Passes when the command exits with EXPECT_RC and its stderr matches EXPECT_STDERR.
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT rc EQUAL EXPECT_RC)
  message(FATAL_ERROR "expected exit code ${EXPECT_RC}, got ${rc}\nstderr:\n${err}\nstdout:\n${out}")
endif()
if(NOT err MATCHES "${EXPECT_STDERR}")
  message(FATAL_ERROR "stderr does not match '${EXPECT_STDERR}':\n${err}")
endif()
message(STATUS "${err}")
