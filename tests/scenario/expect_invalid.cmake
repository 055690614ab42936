# cmake -DDEPLOYBENCH=... -DSCENARIO=... -P expect_invalid.cmake
# Passes when `deploybench validate` exits with 3 (invalid scenario) and prints file:line:col.
execute_process(COMMAND ${DEPLOYBENCH} validate ${SCENARIO} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
if(NOT rc EQUAL 3)
  message(FATAL_ERROR "expected exit code 3, got ${rc}\n${err}${out}")
endif()
if(NOT err MATCHES "\\.yaml:[0-9]+:[0-9]+: ")
  message(FATAL_ERROR "expected a file:line:column diagnostic on stderr, got:\n${err}")
endif()
message(STATUS "${err}")
