; Loads and stores of 1, 2, 4, 8 and aligned 16 bytes get the inline shadow check with a cold slow path.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

; Every instrumented module gets a constructor that initialises the runtime.
; CHECK: @llvm.global_ctors = appending global [1 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 1, ptr @ffisan.module_ctor, ptr null }]

; CHECK-LABEL: define i32 @load_i32(
; CHECK:      %[[A:[0-9]+]] = ptrtoint ptr %p to i64, {{.*}}!nosanitize
; CHECK-NEXT: %[[SH:[0-9]+]] = lshr i64 %[[A]], 3, {{.*}}!nosanitize
; CHECK-NEXT: %[[SA:[0-9]+]] = add i64 %[[SH]], 2147450880, {{.*}}!nosanitize
; CHECK-NEXT: %[[SP:[0-9]+]] = inttoptr i64 %[[SA]] to ptr, {{.*}}!nosanitize
; CHECK-NEXT: %[[S:[0-9]+]] = load i8, ptr %[[SP]], align 1, {{.*}}!nosanitize
; CHECK-NEXT: %[[M:[0-9]+]] = and i8 %[[S]], -65, {{.*}}!nosanitize
; CHECK-NEXT: %[[BAD:[0-9]+]] = icmp ne i8 %[[M]], 0, {{.*}}!nosanitize
; CHECK-NEXT: br i1 %[[BAD]], label %[[SLOW:[0-9]+]], label %[[CONT:[0-9]+]], {{.*}}!prof ![[COLD:[0-9]+]]
; Wider than a byte: a partial granule covering the access is decided by the runtime, in the first
; instructions of __ffisan_slow_load4; the cold block is the call alone.
; CHECK:      [[SLOW]]:
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_load4(i64 %[[A]]), !dbg ![[LOC:[0-9]+]], !nosanitize
; CHECK-NEXT: br label %[[CONT]]
; CHECK:      [[CONT]]:
; CHECK-NEXT: %v = load i32, ptr %p, align 4, !dbg ![[LOC]]
define i32 @load_i32(ptr %p) !dbg !5 {
  %v = load i32, ptr %p, align 4, !dbg !8
  ret i32 %v
}

; Stores test the READONLY bit too: mask 0xff, so the shadow byte is tested whole (no `and`). A
; whole-granule access is never covered by a partial granule: the cold block is the call itself,
; no partial test.
; CHECK-LABEL: define void @store_i64(
; CHECK:      %[[A:.*]] = ptrtoint ptr %p to i64
; CHECK:      %[[S:.*]] = load i8, ptr
; CHECK-NEXT: %[[BAD:.*]] = icmp ne i8 %[[S]], 0
; CHECK-NEXT: br i1 %[[BAD]], label %[[SLOW:[0-9]+]], label %[[CONT:[0-9]+]]
; CHECK:      [[SLOW]]:
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_store8(i64 %[[A]])
; CHECK-NEXT: br label %[[CONT]]
; CHECK:      [[CONT]]:
; CHECK-NEXT: store i64 %v, ptr %p, align 8
define void @store_i64(ptr %p, i64 %v) {
  store i64 %v, ptr %p, align 8
  ret void
}

; A byte: a partial granule covering it is decided inline, (a & 7) < shadow < 8 (strings' last
; bytes are read over and over). The shadow byte is loaded again there, so the fast path's load
; has one user and folds into its test.
; CHECK-LABEL: define i8 @load_i8(
; CHECK:      %[[A:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK:      %[[SP:[0-9]+]] = inttoptr i64 %{{[0-9]+}} to ptr
; CHECK-NEXT: %[[S:[0-9]+]] = load i8, ptr %[[SP]], align 1, !nosanitize
; CHECK-NEXT: %[[M:[0-9]+]] = and i8 %[[S]], -65
; CHECK-NEXT: %[[BAD:[0-9]+]] = icmp ne i8 %[[M]], 0
; CHECK-NEXT: br i1 %[[BAD]], label %[[SLOW:[0-9]+]], label %[[CONT:[0-9]+]], {{.*}}!prof ![[COLD:[0-9]+]]
; CHECK:      [[SLOW]]:
; CHECK-NEXT: %[[S2:[0-9]+]] = load i8, ptr %[[SP]], align 1, {{.*}}!nosanitize
; CHECK-NEXT: %[[M2:[0-9]+]] = and i8 %[[S2]], -65, {{.*}}!nosanitize
; CHECK-NEXT: %[[OFF:[0-9]+]] = and i64 %[[A]], 7, {{.*}}!nosanitize
; CHECK-NEXT: %[[LAST:[0-9]+]] = trunc i64 %[[OFF]] to i8, {{.*}}!nosanitize
; CHECK-NEXT: %[[BEYOND:[0-9]+]] = icmp uge i8 %[[LAST]], %[[M2]], {{.*}}!nosanitize
; CHECK-NEXT: %[[NOTPARTIAL:[0-9]+]] = icmp uge i8 %[[M2]], 8, {{.*}}!nosanitize
; CHECK-NEXT: %[[BAD2:[0-9]+]] = or i1 %[[BEYOND]], %[[NOTPARTIAL]], {{.*}}!nosanitize
; CHECK-NEXT: br i1 %[[BAD2]], label %[[CALL:[0-9]+]], label %[[CONT]], {{.*}}!prof ![[COLD]]
; CHECK:      [[CALL]]:
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_load1(i64 %[[A]])
; CHECK-NEXT: br label %[[CONT]]
; CHECK-NOT:  load i8, ptr %{{.*}}, !nosanitize
; CHECK:      [[CONT]]:
; CHECK-NEXT: %v = load i8, ptr %p, align 1
define i8 @load_i8(ptr %p) {
  %v = load i8, ptr %p, align 1
  ret i8 %v
}

; An aligned 16-byte access covers exactly two granules: one i16 shadow load.
; CHECK-LABEL: define <4 x i32> @load_v4i32_aligned(
; CHECK:      %[[S:.*]] = load i16, ptr %{{.*}}, align 2, !nosanitize
; CHECK-NEXT: and i16 %[[S]], -16449
; CHECK:      call preserve_mostcc void @__ffisan_slow_load16(i64 %{{.*}})
define <4 x i32> @load_v4i32_aligned(ptr %p) {
  %v = load <4 x i32>, ptr %p, align 16
  ret <4 x i32> %v
}

; Other sizes up to 32 bytes: the shadow of every granule they touch guards a whole-range check.
; CHECK-LABEL: define void @odd_sizes(
; CHECK:      %[[A:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK-NEXT: lshr i64 %[[A]], 3
; CHECK-NEXT: add i64
; CHECK-NEXT: inttoptr
; CHECK-NEXT: %[[S0:[0-9]+]] = load i8
; CHECK-NEXT: %[[P8:[0-9]+]] = add i64 %[[A]], 8
; CHECK-NEXT: lshr i64 %[[P8]], 3
; CHECK-NEXT: add i64
; CHECK-NEXT: inttoptr
; CHECK-NEXT: %[[S8:[0-9]+]] = load i8
; CHECK-NEXT: %[[OR1:[0-9]+]] = or i8 %[[S0]], %[[S8]]
; CHECK-NEXT: %[[P15:[0-9]+]] = add i64 %[[A]], 15
; CHECK-NEXT: lshr i64 %[[P15]], 3
; CHECK-NEXT: add i64
; CHECK-NEXT: inttoptr
; CHECK-NEXT: %[[S15:[0-9]+]] = load i8
; CHECK-NEXT: %[[OR2:[0-9]+]] = or i8 %[[OR1]], %[[S15]]
; CHECK-NEXT: %[[M:[0-9]+]] = and i8 %[[OR2]], -65
; CHECK-NEXT: %[[BAD:[0-9]+]] = icmp ne i8 %[[M]], 0
; CHECK-NEXT: br i1 %[[BAD]]
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %[[A]], i64 16, i32 0)
; CHECK:      load <4 x i32>, ptr %p, align 4
; CHECK:      add i64 %{{[0-9]+}}, 2
; CHECK:      call preserve_mostcc void @__ffisan_check_range(i64 %{{[0-9]+}}, i64 3, i32 1)
; CHECK:      store i24
; CHECK-NOT:  __ffisan_slow_
; CHECK:      ret void
define void @odd_sizes(ptr %p, ptr %q) {
  %a = load <4 x i32>, ptr %p, align 4
  call void @opaque() ; may free: each access keeps its own check (no cluster)
  store i24 7, ptr %q, align 1
  ret void
}

; Larger accesses call the whole-range check directly.
; CHECK-LABEL: define void @big_vector(
; CHECK:      %[[A:[0-9]+]] = ptrtoint ptr %r to i64
; CHECK-NEXT: call preserve_mostcc void @__ffisan_check_range(i64 %[[A]], i64 64, i32 0)
; CHECK-NEXT: load <16 x i32>
define void @big_vector(ptr %r) {
  %b = load <16 x i32>, ptr %r, align 64
  ret void
}

; Atomic read-modify-write and compare-exchange are writes.
; CHECK-LABEL: define void @atomics(
; CHECK:      call preserve_mostcc void @__ffisan_slow_store4(i64 %{{.*}})
; CHECK-NEXT: br label
; CHECK:      atomicrmw add ptr %p, i32 1 seq_cst
; CHECK:      call preserve_mostcc void @__ffisan_slow_store8(i64 %{{.*}})
; CHECK-NEXT: br label
; CHECK:      cmpxchg ptr %q, i64 0, i64 1 seq_cst seq_cst
define void @atomics(ptr %p, ptr %q) {
  %old = atomicrmw add ptr %p, i32 1 seq_cst
  call void @opaque()
  %pair = cmpxchg ptr %q, i64 0, i64 1 seq_cst seq_cst
  ret void
}

; Other address spaces (%gs/%fs-relative on x86) are not ordinary memory.
; CHECK-LABEL: define i32 @segment_relative(
; CHECK-NOT:  __ffisan
; CHECK:      ret i32
declare void @opaque()

define i32 @segment_relative(ptr addrspace(257) %p) {
  %v = load i32, ptr addrspace(257) %p, align 4
  ret i32 %v
}

; CHECK: define internal void @ffisan.module_ctor()
; CHECK-NEXT: entry:
; CHECK-NEXT: call void @__ffisan_init_v9()
; CHECK-DAG: ![[COLD]] = !{!"branch_weights", i32 1, i32 1048575}
; CHECK-DAG: !ffisan.instrumented = !{

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "clang", isOptimized: false, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "fast.c", directory: "/tmp")
!3 = !{i32 2, !"Debug Info Version", i32 3}
!4 = !{i32 7, !"Dwarf Version", i32 5}
!5 = distinct !DISubprogram(name: "load_i32", scope: !1, file: !1, line: 1, type: !6, unit: !0)
!6 = !DISubroutineType(types: !7)
!7 = !{}
!8 = !DILocation(line: 2, column: 10, scope: !5)
