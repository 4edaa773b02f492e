; The loop check's SCEV expansion puts code (a ptrtoint of the loop's bound) at the very start of
; the entry block, above the allocas; the fake frame's entry code then went where the first
; non-alloca stood, above the alloca it falls back to: "Instruction does not dominate all uses"
; (a crash in clang's register coalescer without the verifier: DataDog/zstd's divsufsort.c and
; hist.c under `ffisan go build`). The allocas are gathered first. Reduced from divsufsort.c's
; ss_swapmerge with llvm-reduce.
; RUN: %opt_ffisan -S %s | FileCheck %s
; CHECK-LABEL: define fastcc void @ss_swapmerge(
; CHECK-NEXT: entry:
; CHECK-NEXT: %stack = alloca
; CHECK: call i64 @__ffisan_fake_frame_enter
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

%struct.anon.0 = type { ptr, ptr, ptr, i32 }

define fastcc void @ss_swapmerge(ptr %T, i64 %idxprom) {
entry:
  %stack = alloca [32 x %struct.anon.0], align 16
  br label %for.cond.outer

for.cond.outer:                                   ; preds = %if.then, %entry
  br i1 false, label %land.rhs.i.i780, label %if.then

if.then:                                          ; preds = %for.cond.outer
  %arrayidx = getelementptr %struct.anon.0, ptr %stack, i64 %idxprom
  %0 = load ptr, ptr %arrayidx, align 16
  br label %for.cond.outer

land.rhs.i.i780:                                  ; preds = %land.rhs.i.i780, %for.cond.outer
  %U1.055.i.i781 = phi ptr [ %incdec.ptr.i130.i, %land.rhs.i.i780 ], [ null, %for.cond.outer ]
  %1 = load i8, ptr null, align 1
  %incdec.ptr.i130.i = getelementptr i8, ptr %U1.055.i.i781, i64 1
  %cmp.i131.i = icmp ult ptr %U1.055.i.i781, %T
  br i1 %cmp.i131.i, label %land.rhs.i.i780, label %for.end.i.i752

for.end.i.i752:                                   ; preds = %land.rhs.i.i780
  ret void
}
