// Go workload: 8 goroutines compress and decompress 4 MiB buffers through DataDog/zstd's cgo
// binding, each reusing its own compression context.
package main

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"os"
	"strconv"
	"sync"

	"github.com/DataDog/zstd"
)

func input(seed int) []byte {
	var b bytes.Buffer
	x := uint32(seed*2654435761 + 1)
	words := []string{"gopher", "cgo", "arena", "span", "heap", "window", "pointer", "zstd", "frame"}
	for b.Len() < 4<<20 {
		x = x*1664525 + 1013904223
		b.WriteString(words[x>>28%uint32(len(words))])
		b.WriteString(strconv.Itoa(int(x >> 20 % 1000)))
		b.WriteByte(' ')
	}
	return b.Bytes()[:4<<20]
}

func main() {
	rounds := 6
	if len(os.Args) > 1 {
		rounds, _ = strconv.Atoi(os.Args[1])
	}
	var wg sync.WaitGroup
	sums := make([]uint32, 8)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			ctx := zstd.NewCtx()
			src := input(w)
			dst := make([]byte, zstd.CompressBound(len(src)))
			for r := 0; r < rounds; r++ {
				out, err := ctx.CompressLevel(dst, src, 3)
				if err != nil {
					panic(err)
				}
				back, err := ctx.Decompress(nil, out)
				if err != nil || !bytes.Equal(back, src) {
					panic("round trip")
				}
				sums[w] = crc32.Update(sums[w], crc32.IEEETable, out)
			}
		}(w)
	}
	wg.Wait()
	fmt.Println(sums)
}
