// ringsum prints the sum of 1..n computed in C: the `ffisan go run` example.
package main

import (
	"fmt"
	"os"
	"strconv"

	"ringtest.example/ring"
)

func main() {
	n := 100
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	v := make([]int64, n)
	for i := range v {
		v[i] = int64(i + 1)
	}
	fmt.Println("sum", ring.Sum(v))
}
