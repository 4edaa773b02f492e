// Go workload: pure-Go allocation (binary trees, maps of strings, growing slices) in a program
// that also uses cgo, so that ffisan's runtime is loaded and Go's heap is mapped through it.
package main

// static int version(void) { return 1; }
import "C"

import (
	"fmt"
	"os"
	"strconv"
)

type node struct{ left, right *node }

func build(depth int) *node {
	if depth == 0 {
		return &node{}
	}
	return &node{build(depth - 1), build(depth - 1)}
}

func (n *node) count() int {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.count() + n.right.count()
}

func main() {
	depth := 20
	if len(os.Args) > 1 {
		depth, _ = strconv.Atoi(os.Args[1])
	}
	total := int(C.version())
	long := build(depth)
	for d := 4; d <= depth; d += 2 {
		for i := 0; i < 1<<(depth-d); i++ {
			total += build(d).count()
		}
	}
	m := map[string][]int{}
	for i := 0; i < 300_000; i++ {
		k := strconv.Itoa(i % 5000)
		m[k] = append(m[k], i)
	}
	fmt.Println("nodes", total, long.count(), "keys", len(m))
}
