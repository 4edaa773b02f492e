// The other C file of the out-parameter program: fills the caller's local and keeps its address.
static long *kept;
static long calls;

void fill(long *out) {
  *out = ++calls * 10;
  kept = out;
}

long read_kept(void) {
  return *kept; // the local of a refresh that returned: stack-use-after-return
}
