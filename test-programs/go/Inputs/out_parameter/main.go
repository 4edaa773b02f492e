// `C.refresh()` of a preamble function whose local is an out-parameter that C in another file fills:
// at cgo's -O2 refresh is inlined into its wrapper, so the wrapper gets a fake frame (the local's
// address escapes to fill) and a call window. `stale` then reads the local through the pointer
// fill kept, after refresh returned.
package main

/*
void fill(long *out);
long read_kept(void);

static long total;
static void refresh(void) { long t; fill(&t); total += t; }
static long get_total(void) { return total; }
*/
import "C"

import (
	"fmt"
	"os"
)

func main() {
	for i := 0; i < 3; i++ {
		C.refresh()
	}
	fmt.Println("total", C.get_total())
	if len(os.Args) > 1 && os.Args[1] == "stale" {
		fmt.Println("stale", C.read_kept())
	}
}
