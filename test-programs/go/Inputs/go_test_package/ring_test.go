package ring

import (
	"runtime"
	"testing"
)

func TestCleanSum(t *testing.T) {
	v := make([]int64, 10000)
	for i := range v {
		v[i] = int64(i)
	}
	if got := Sum(v); got != 49995000 {
		t.Fatalf("Sum = %d", got)
	}
}

func TestCleanSumEmpty(t *testing.T) {
	if got := Sum(nil); got != 0 {
		t.Fatalf("Sum(nil) = %d", got)
	}
}

func TestKeepsPointerForCThread(t *testing.T) {
	v := make([]int64, 10000)
	for i := range v {
		v[i] = 1
	}
	Remember(v)
	if got := SumLater(); got != 10000 {
		t.Fatalf("SumLater = %d", got)
	}
	runtime.KeepAlive(v)
}
