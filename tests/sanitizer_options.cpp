// Built into every program of a -DDILMANC_SANITIZE=ON build: the sanitizers' defaults, so
// that any report fails the test that caused it, however the program was started (ctest,
// the test binary's own child processes, a shell). The environment's ASAN_OPTIONS and
// UBSAN_OPTIONS still override them (.ci/fuzz sets its own).
//
// abort_on_error: a report ends the process with SIGABRT rather than exit code 1, which
// dilmanc itself uses for bad input and tests of the command line expect.
extern "C" {

const char* __asan_default_options() {
  return "halt_on_error=1:abort_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1";
}

const char* __ubsan_default_options() { return "halt_on_error=1:abort_on_error=1:print_stacktrace=1"; }

}  // extern "C"
