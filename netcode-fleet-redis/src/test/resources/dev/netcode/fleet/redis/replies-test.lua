-- Every kind of reply the directory's scripts give, for LettuceScriptExecutorTest.
return { KEYS[1], ARGV[1], 42, { ARGV[2], false, -7 } }
