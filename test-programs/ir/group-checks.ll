; Group checks: accesses at constant offsets from one base pointer, with no call between them, share
; one 8-byte shadow load at the group's first access; the cold path calls the runtime's slow access
; for each member in turn, with no test of its own (the runtime decides a clean or covered granule
; at once), except 1-byte members, which keep their inline test.
; RUN: %opt_ffisan -S %s | FileCheck %s
; FFISAN_STATS counts grouped accesses (still checked, behind a group test) and the group tests.
; RUN: rm -f %t.jsonl && env FFISAN_STATS=%t.jsonl %opt_ffisan -disable-output %s
; RUN: FileCheck --check-prefix=STATS %s < %t.jsonl
; STATS: "accesses":26,"checked":26,{{.*}}"grouped":20,"group_tests":8,

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

%struct.S = type { i32, i64, i16 }

declare void @opaque()

; Three fields of one struct, span [0, 18), 8-aligned: the span covers 3 granules, so one i32
; shadow load (0xbf per byte: loads only) and a constant mask, then each field's own check, with
; its own size, in order.
; CHECK-LABEL: define i64 @three_fields(
; CHECK:      %[[BASE:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK-NEXT: %[[SH:[0-9]+]] = lshr i64 %[[BASE]], 3
; CHECK-NEXT: %[[SA:[0-9]+]] = add i64 %[[SH]], 2147450880
; CHECK-NEXT: %[[SP:[0-9]+]] = inttoptr i64 %[[SA]] to ptr
; CHECK-NEXT: %[[S:[0-9]+]] = load i32, ptr %[[SP]], align 1
; CHECK-NEXT: %[[BAD:[0-9]+]] = and i32 %[[S]], 12566463
; CHECK-NEXT: %[[C:[0-9]+]] = icmp ne i32 %[[BAD]], 0
; CHECK-NEXT: br i1 %[[C]], label %{{[0-9]+}}, label %[[CONT:[0-9]+]], !prof
; CHECK-EMPTY:
; CHECK-NEXT: {{[0-9]+}}:
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_load4(i64 %[[BASE]])
; CHECK-NEXT: %[[B:[0-9]+]] = add i64 %[[BASE]], 8
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_load8(i64 %[[B]])
; CHECK-NEXT: %[[C2:[0-9]+]] = add i64 %[[BASE]], 16
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_load2(i64 %[[C2]])
; CHECK-NEXT: br label %[[CONT]]
; CHECK-EMPTY:
; CHECK-NEXT: [[CONT]]:
; CHECK-NEXT: %a = load i32, ptr %p
; CHECK-NOT:  __ffisan
; CHECK:      ret i64
define i64 @three_fields(ptr %p) {
  %a = load i32, ptr %p, align 8
  %bp = getelementptr inbounds i8, ptr %p, i64 8
  %b = load i64, ptr %bp, align 8
  %cp = getelementptr inbounds %struct.S, ptr %p, i64 0, i32 2
  %c = load i16, ptr %cp, align 8
  %a64 = zext i32 %a to i64
  %c64 = zext i16 %c to i64
  %s = add i64 %a64, %b
  %t = add i64 %s, %c64
  ret i64 %t
}

; The same fields with the first only 4-aligned: where the span starts in its granule is known at
; run time only, so an i64 shadow load is masked to the granules covered from there.
; CHECK-LABEL: define i64 @unaligned_fields(
; CHECK:      %[[BASE:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK-NEXT: %[[SH:[0-9]+]] = lshr i64 %[[BASE]], 3
; CHECK-NEXT: %[[SA:[0-9]+]] = add i64 %[[SH]], 2147450880
; CHECK-NEXT: %[[SP:[0-9]+]] = inttoptr i64 %[[SA]] to ptr
; CHECK-NEXT: %[[S:[0-9]+]] = load i64, ptr %[[SP]], align 1
; CHECK-NEXT: %[[MIS:[0-9]+]] = and i64 %[[BASE]], 7
; CHECK-NEXT: %[[END:[0-9]+]] = add i64 %[[MIS]], 25
; CHECK-NEXT: %[[BITS:[0-9]+]] = and i64 %[[END]], -8
; CHECK-NEXT: %[[SHIFT:[0-9]+]] = sub i64 64, %[[BITS]]
; CHECK-NEXT: %[[SHIFT63:[0-9]+]] = and i64 %[[SHIFT]], 63
; CHECK-NEXT: %[[MASK:[0-9]+]] = lshr i64 -4629771061636907073, %[[SHIFT63]]
; CHECK-NEXT: %[[BAD:[0-9]+]] = and i64 %[[S]], %[[MASK]]
; CHECK-NEXT: %[[C:[0-9]+]] = icmp ne i64 %[[BAD]], 0
; CHECK-NEXT: br i1 %[[C]], label %{{[0-9]+}}, label %[[CONT:[0-9]+]], !prof
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %[[BASE]])
; CHECK:      call preserve_mostcc void @__ffisan_slow_load8(i64 %{{[0-9]+}})
; CHECK:      call preserve_mostcc void @__ffisan_slow_load2(i64 %{{[0-9]+}})
; CHECK:      [[CONT]]:
; CHECK-NEXT: %a = load i32, ptr %p
define i64 @unaligned_fields(ptr %p) {
  %a = load i32, ptr %p, align 4
  %bp = getelementptr inbounds i8, ptr %p, i64 8
  %b = load i64, ptr %bp, align 4
  %cp = getelementptr inbounds %struct.S, ptr %p, i64 0, i32 2
  %c = load i16, ptr %cp, align 2
  %a64 = zext i32 %a to i64
  %c64 = zext i16 %c to i64
  %s = add i64 %a64, %b
  %t = add i64 %s, %c64
  ret i64 %t
}

; A call that may free memory between two fields ends the group: each field keeps its own check,
; and no 8-byte shadow load is made.
; CHECK-LABEL: define i64 @broken_by_call(
; CHECK-NOT:  load i64, ptr %{{[0-9]+}}, align 1
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      %a = load i32, ptr %p
; CHECK-NEXT: call void @opaque()
; CHECK-NEXT: %bp = getelementptr
; CHECK-NOT:  load i64, ptr %{{[0-9]+}}, align 1
; CHECK:      call preserve_mostcc void @__ffisan_slow_load8(i64 %{{[0-9]+}})
; CHECK:      %b = load i64, ptr %bp
define i64 @broken_by_call(ptr %p) {
  %a = load i32, ptr %p, align 8
  call void @opaque()
  %bp = getelementptr inbounds i8, ptr %p, i64 8
  %b = load i64, ptr %bp, align 8
  %a64 = zext i32 %a to i64
  %s = add i64 %a64, %b
  ret i64 %s
}

; A load and a store of array slots (non-inbounds GEPs count too), span [4, 12): the store makes
; the group mask 0xff per byte; the slots keep their own load and store checks in the cold path.
; CHECK-LABEL: define void @load_store(
; CHECK:      %[[BASE:[0-9]+]] = ptrtoint ptr %base to i64
; CHECK-NEXT: %[[START:[0-9]+]] = add i64 %[[BASE]], 4
; CHECK:      load i64, ptr %{{[0-9]+}}, align 1
; CHECK:      %[[END:[0-9]+]] = add i64 %{{[0-9]+}}, 15
; CHECK:      lshr i64 -1, %{{[0-9]+}}
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      call preserve_mostcc void @__ffisan_slow_store4(i64 %{{[0-9]+}})
; CHECK:      %v = load i32, ptr %one
; CHECK-NEXT: %two = getelementptr i32, ptr %base, i64 2
; CHECK-NEXT: store i32 %v, ptr %two
; CHECK-NEXT: ret void
define void @load_store(ptr %base) {
  %one = getelementptr i32, ptr %base, i64 1
  %v = load i32, ptr %one, align 4
  %two = getelementptr i32, ptr %base, i64 2
  store i32 %v, ptr %two, align 4
  ret void
}

; A lone access keeps the ordinary one-byte shadow test.
; CHECK-LABEL: define i32 @lone(
; CHECK-NOT:  load i64
; CHECK:      load i8, ptr
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
define i32 @lone(ptr %p) {
  %v = load i32, ptr %p, align 4
  ret i32 %v
}

; Members farther apart than one 8-byte shadow load covers (57 bytes) form separate groups, which
; then share one cluster test (one ptrtoint of the base for both).
; CHECK-LABEL: define i64 @too_wide(
; CHECK:      %[[P:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK-NOT:  ptrtoint
; CHECK:      %[[SA:[0-9]+]] = load i8, ptr %{{[0-9]+}}, align 1
; CHECK-NEXT: %[[MA:[0-9]+]] = and i8 %[[SA]], -65
; CHECK-NEXT: %[[F:[0-9]+]] = add i64 %[[P]], 56
; CHECK:      %[[SF:[0-9]+]] = load i8, ptr %{{[0-9]+}}, align 1
; CHECK-NEXT: %[[MF:[0-9]+]] = and i8 %[[SF]], -65
; CHECK-NEXT: %[[WA:[0-9]+]] = zext i8 %[[MA]] to i64
; CHECK-NEXT: %[[WF:[0-9]+]] = zext i8 %[[MF]] to i64
; CHECK-NEXT: %[[OR:[0-9]+]] = or i64 %[[WA]], %[[WF]]
; CHECK-NEXT: %[[BAD:[0-9]+]] = icmp ne i64 %[[OR]], 0
; CHECK-NEXT: br i1 %[[BAD]]
; CHECK:      call preserve_mostcc void @__ffisan_slow_load8(i64 %[[P]])
; CHECK:      call preserve_mostcc void @__ffisan_slow_load8(i64 %{{[0-9]+}})
; CHECK-NOT:  __ffisan
; CHECK:      ret i64
define i64 @too_wide(ptr %p) {
  %a = load i64, ptr %p, align 8
  %fp = getelementptr inbounds i8, ptr %p, i64 56
  %f = load i64, ptr %fp, align 8
  %s = add i64 %a, %f
  ret i64 %s
}

; `p->x += 1`: a load and a store within one granule (the access is 4-aligned) share a one-byte
; shadow test under the store mask (all bits: the byte itself is tested, no `and`).
; CHECK-LABEL: define void @increment(
; CHECK:      %[[S:[0-9]+]] = load i8, ptr %{{[0-9]+}}, align 1
; CHECK-NEXT: icmp ne i8 %[[S]], 0
; CHECK:      call preserve_mostcc void @__ffisan_slow_load4(i64 %{{[0-9]+}})
; CHECK:      call preserve_mostcc void @__ffisan_slow_store4(i64 %{{[0-9]+}})
; CHECK:      %v = load i32, ptr %p
; CHECK-NEXT: %w = add i32 %v, 1
; CHECK-NEXT: store i32 %w, ptr %p
define void @increment(ptr %p) {
  %v = load i32, ptr %p, align 4
  %w = add i32 %v, 1
  store i32 %w, ptr %p, align 4
  ret void
}

; A byte member keeps its own test in the cold path (with the partial-granule test: a string's
; last bytes take this path on every scan), the word member after it is called directly.
; CHECK-LABEL: define i64 @byte_member(
; CHECK:      br i1 %{{[0-9]+}}, label %{{[0-9]+}}, label %[[CONT:[0-9]+]], !prof
; CHECK-EMPTY:
; CHECK-NEXT: {{[0-9]+}}:
; CHECK-NEXT: %[[SA:[0-9]+]] = lshr i64 %{{[0-9]+}}, 3
; CHECK:      load i8, ptr
; CHECK:      icmp ne i8
; CHECK:      trunc i64
; CHECK:      call preserve_mostcc void @__ffisan_slow_load1(i64 %{{[0-9]+}})
; CHECK:      call preserve_mostcc void @__ffisan_slow_load8(i64 %{{[0-9]+}})
; CHECK-NEXT: br label %[[CONT]]
; CHECK:      [[CONT]]:
; CHECK-NEXT: %a = load i8, ptr %p
define i64 @byte_member(ptr %p) {
  %a = load i8, ptr %p, align 8
  %bp = getelementptr inbounds i8, ptr %p, i64 8
  %b = load i64, ptr %bp, align 8
  %a64 = zext i8 %a to i64
  %s = add i64 %a64, %b
  ret i64 %s
}

; Accesses through different pointers in one call-free stretch share one cluster test at the first
; of them: the group test of `p`'s two fields and the tests of `q[1]` and `r`, ORed. In the cold
; path each member is decided in program order (q's store comes between p's fields).
; CHECK-LABEL: define i64 @three_pointers(
; CHECK:      %[[P:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK-NEXT: %[[Q:[0-9]+]] = ptrtoint ptr %q to i64
; CHECK-NEXT: %[[R:[0-9]+]] = ptrtoint ptr %r to i64
; CHECK:      %[[PS:[0-9]+]] = load i16, ptr
; CHECK:      add i64 %[[Q]], 8
; CHECK:      %[[QS:[0-9]+]] = load i8, ptr
; CHECK:      and i8 %{{[0-9]+}}, -65
; CHECK:      zext i16 %[[PS]] to i64
; CHECK:      zext i8 %[[QS]] to i64
; CHECK:      or i64
; CHECK:      or i64
; CHECK-NEXT: %[[BAD:[0-9]+]] = icmp ne i64
; CHECK-NEXT: br i1 %[[BAD]], label %{{[0-9]+}}, label %[[CONT:[0-9]+]], !prof
; CHECK-EMPTY:
; CHECK-NEXT: {{[0-9]+}}:
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_load8(i64 %[[P]])
; CHECK-NEXT: %[[Q8B:[0-9]+]] = add i64 %[[Q]], 8
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_store8(i64 %[[Q8B]])
; CHECK-NEXT: %[[P8:[0-9]+]] = add i64 %[[P]], 8
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_store4(i64 %[[P8]])
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_load4(i64 %[[R]])
; CHECK-NEXT: br label %[[CONT]]
; CHECK-EMPTY:
; CHECK-NEXT: [[CONT]]:
; CHECK-NEXT: %a = load i64, ptr %p
; CHECK-NOT:  __ffisan
; CHECK:      ret i64
define i64 @three_pointers(ptr %p, ptr %q, ptr %r) {
  %a = load i64, ptr %p, align 8
  %q1 = getelementptr inbounds i64, ptr %q, i64 1
  store i64 %a, ptr %q1, align 8
  %pb = getelementptr inbounds i8, ptr %p, i64 8
  store i32 1, ptr %pb, align 8
  %c = load i32, ptr %r, align 4
  %c64 = zext i32 %c to i64
  %s = add i64 %a, %c64
  ret i64 %s
}

; A pointer loaded along the way is not known at the first access: `p->next->value` gets a test of
; its own after the load of `p->next`, while `r`, known from the start, joins `p`'s test. A lone
; byte keeps its own test (its partial-granule test stays inline), and a call that may free ends
; the stretch.
; CHECK-LABEL: define i64 @chased(
; CHECK:      %[[P:[0-9]+]] = ptrtoint ptr %p to i64
; CHECK-NEXT: %[[R:[0-9]+]] = ptrtoint ptr %r to i64
; CHECK:      icmp ne i64
; CHECK:      call preserve_mostcc void @__ffisan_slow_load8(i64 %[[P]])
; CHECK-NEXT: call preserve_mostcc void @__ffisan_slow_store8(i64 %[[R]])
; CHECK:      %next = load ptr, ptr %p
; CHECK-NEXT: ptrtoint ptr %next
; CHECK:      icmp ne i8
; CHECK:      call preserve_mostcc void @__ffisan_slow_load8(i64 %{{[0-9]+}})
; CHECK:      %v = load i64, ptr %next
; CHECK:      trunc i64
; CHECK:      call preserve_mostcc void @__ffisan_slow_load1(i64 %{{[0-9]+}})
; CHECK:      %b = load i8, ptr %s
; CHECK-NEXT: store i64 %v, ptr %r
; CHECK-NEXT: call void @opaque()
; CHECK:      call preserve_mostcc void @__ffisan_slow_store8(i64 %{{[0-9]+}})
; CHECK:      store i64 %v, ptr %q
define i64 @chased(ptr %p, ptr %s, ptr %q, ptr %r) {
  %next = load ptr, ptr %p, align 8
  %v = load i64, ptr %next, align 8
  %b = load i8, ptr %s, align 1
  store i64 %v, ptr %r, align 8
  call void @opaque()
  store i64 %v, ptr %q, align 8
  %b64 = zext i8 %b to i64
  %t = add i64 %v, %b64
  ret i64 %t
}
