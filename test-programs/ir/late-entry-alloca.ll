; A constant-size alloca in the entry block but not at its top is static for codegen (a slot of
; the fixed frame), as it is in Lua's varinfo (ldebug.c) at -O2, where a ptrtoint of an argument
; stands before the address-taken local's alloca. It must join the entry block's static allocas
; (the fake frame, with redzones), never the dynamic ones: a dynamic alloca's redzones are cleared
; at ret from the frame's bookkeeping slot down, and a fixed-frame slot above that one kept its
; poison after the return, which the next call's stack arguments (va_arg in sum) then hit: a false
; dynamic-stack-buffer-overflow.
; RUN: %opt_ffisan -S %s | FileCheck %s --check-prefix=IR
; RUN: %opt_ffisan %s -o %t.bc && %clang -O2 %t.bc -o %t -L%rt_dir -lffisan_rt -Wl,-rpath,%rt_dir
; RUN: %t 2>&1 | FileCheck %s --check-prefix=OUT --implicit-check-not=ffisan
; IR-LABEL: define {{.*}} @describe(
; IR-NEXT:  entry:
; IR-NEXT:    %name = alloca ptr
; IR-NEXT:    %sub.ptr.lhs.cast = ptrtoint ptr %o to i64
; IR-NOT:     __ffisan_alloca
; IR-LABEL: define {{.*}} @sum(
; OUT: odd 191
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

%struct.__va_list_tag = type { i32, i32, ptr, ptr }
%struct.frame = type { ptr, ptr, [8 x i32], i32 }

@.str = private unnamed_addr constant [4 x i8] c"odd\00", align 1
@.str.1 = private unnamed_addr constant [5 x i8] c"even\00", align 1
@.str.2 = private unnamed_addr constant [6 x i8] c"local\00", align 1
@.str.3 = private unnamed_addr constant [2 x i8] c"?\00", align 1
@constinit = private unnamed_addr constant [8 x i32] [i32 9, i32 9, i32 9, i32 9, i32 9, i32 9, i32 9, i32 9], align 4
@.str.4 = private unnamed_addr constant [7 x i8] c"%s %d\0A\00", align 1

; Function Attrs: mustprogress nofree noinline norecurse nosync nounwind willreturn memory(argmem: write) uwtable
define dso_local noundef nonnull ptr @lookup(i32 noundef %reg, ptr noundef writeonly captures(none) initializes((0, 8)) %name) local_unnamed_addr #0 {
entry:
  %and = and i32 %reg, 1
  %tobool.not = icmp eq i32 %and, 0
  %cond = select i1 %tobool.not, ptr @.str.1, ptr @.str
  store ptr %cond, ptr %name, align 8
  ret ptr @.str.2
}

; Function Attrs: nofree noinline norecurse nosync nounwind memory(argmem: read) uwtable
define dso_local ptr @describe(ptr noundef readonly captures(none) %f, ptr noundef %o) local_unnamed_addr #1 {
entry:
  %sub.ptr.lhs.cast = ptrtoint ptr %o to i64
  %name = alloca ptr, align 8
  call void @llvm.lifetime.start.p0(ptr nonnull %name) #10
  store ptr null, ptr %name, align 8
  %ncode = getelementptr inbounds nuw i8, ptr %f, i64 48
  %0 = load i32, ptr %ncode, align 8
  %cmp.not35 = icmp sgt i32 %0, 0
  %.pre = load ptr, ptr %f, align 8
  br i1 %cmp.not35, label %for.body.lr.ph, label %land.lhs.true

for.body.lr.ph:                                   ; preds = %entry
  %code = getelementptr inbounds nuw i8, ptr %f, i64 16
  %sub.ptr.rhs.cast = ptrtoint ptr %.pre to i64
  %sub.ptr.sub = sub i64 %sub.ptr.lhs.cast, %sub.ptr.rhs.cast
  %sub.ptr.div = lshr exact i64 %sub.ptr.sub, 2
  %conv = trunc i64 %sub.ptr.div to i32
  %wide.trip.count = zext nneg i32 %0 to i64
  br label %for.body

for.body:                                         ; preds = %for.body.lr.ph, %for.inc
  %indvars.iv = phi i64 [ 0, %for.body.lr.ph ], [ %indvars.iv.next, %for.inc ]
  %arrayidx = getelementptr inbounds nuw i32, ptr %code, i64 %indvars.iv
  %1 = load i32, ptr %arrayidx, align 4
  %cmp1 = icmp eq i32 %1, %conv
  br i1 %cmp1, label %if.end17, label %for.inc

for.inc:                                          ; preds = %for.body
  %indvars.iv.next = add nuw nsw i64 %indvars.iv, 1
  %exitcond.not = icmp eq i64 %indvars.iv.next, %wide.trip.count
  br i1 %exitcond.not, label %land.lhs.true, label %for.body

land.lhs.true:                                    ; preds = %for.inc, %entry
  %cmp4.not = icmp ult ptr %o, %.pre
  br i1 %cmp4.not, label %5, label %land.lhs.true6

land.lhs.true6:                                   ; preds = %land.lhs.true
  %hi = getelementptr inbounds nuw i8, ptr %f, i64 8
  %2 = load ptr, ptr %hi, align 8
  %cmp7 = icmp ult ptr %o, %2
  br i1 %cmp7, label %if.then9, label %5

if.then9:                                         ; preds = %land.lhs.true6
  %sub.ptr.lhs.cast11 = ptrtoint ptr %o to i64
  %sub.ptr.rhs.cast12 = ptrtoint ptr %.pre to i64
  %sub.ptr.sub13 = sub i64 %sub.ptr.lhs.cast11, %sub.ptr.rhs.cast12
  %sub.ptr.div14 = lshr exact i64 %sub.ptr.sub13, 2
  br label %if.end17

if.end17:                                         ; preds = %for.body, %if.then9
  %indvars.iv.lcssa.sink = phi i64 [ %sub.ptr.div14, %if.then9 ], [ %indvars.iv, %for.body ]
  %3 = trunc i64 %indvars.iv.lcssa.sink to i32
  %call = call ptr @lookup(i32 noundef %3, ptr noundef nonnull %name)
  %4 = load ptr, ptr %name, align 8
  br label %5

5:                                                ; preds = %land.lhs.true, %land.lhs.true6, %if.end17
  %6 = phi ptr [ %4, %if.end17 ], [ @.str.3, %land.lhs.true6 ], [ @.str.3, %land.lhs.true ]
  call void @llvm.lifetime.end.p0(ptr nonnull %name) #10
  ret ptr %6
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.start.p0(ptr captures(none)) #2

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite)
declare void @llvm.lifetime.end.p0(ptr captures(none)) #2

; Function Attrs: nofree noinline norecurse nosync nounwind uwtable
define dso_local i32 @sum(i32 noundef %count, ...) local_unnamed_addr #3 {
entry:
  %ap = alloca [1 x %struct.__va_list_tag], align 16
  call void @llvm.lifetime.start.p0(ptr nonnull %ap) #10
  call void @llvm.va_start.p0(ptr nonnull %ap)
  %cmp7 = icmp sgt i32 %count, 0
  br i1 %cmp7, label %for.body.lr.ph, label %for.cond.cleanup

for.body.lr.ph:                                   ; preds = %entry
  %ap.promoted = load i32, ptr %ap, align 16
  %overflow_arg_area_p = getelementptr inbounds nuw i8, ptr %ap, i64 8
  %0 = getelementptr inbounds nuw i8, ptr %ap, i64 16
  %reg_save_area = load ptr, ptr %0, align 16
  %overflow_arg_area_p.promoted = load ptr, ptr %overflow_arg_area_p, align 8
  %xtraiter = and i32 %count, 1
  %1 = icmp eq i32 %count, 1
  br i1 %1, label %for.body.epil.preheader, label %for.body.lr.ph.new

for.body.lr.ph.new:                               ; preds = %for.body.lr.ph
  %unroll_iter = and i32 %count, 2147483646
  br label %for.body

for.cond.cleanup.loopexit.unr-lcssa:              ; preds = %vaarg.end.1
  %lcmp.mod.not = icmp eq i32 %xtraiter, 0
  br i1 %lcmp.mod.not, label %for.cond.cleanup, label %for.body.epil.preheader

for.body.epil.preheader:                          ; preds = %for.cond.cleanup.loopexit.unr-lcssa, %for.body.lr.ph
  %overflow_arg_area12.epil.init = phi ptr [ %overflow_arg_area_p.promoted, %for.body.lr.ph ], [ %overflow_arg_area11.1, %for.cond.cleanup.loopexit.unr-lcssa ]
  %s.09.epil.init = phi i32 [ 0, %for.body.lr.ph ], [ %add.1, %for.cond.cleanup.loopexit.unr-lcssa ]
  %gp_offset68.epil.init = phi i32 [ %ap.promoted, %for.body.lr.ph ], [ %gp_offset5.1, %for.cond.cleanup.loopexit.unr-lcssa ]
  %lcmp.mod14 = icmp ne i32 %xtraiter, 0
  call void @llvm.assume(i1 %lcmp.mod14)
  %fits_in_gp.epil = icmp ult i32 %gp_offset68.epil.init, 41
  br i1 %fits_in_gp.epil, label %vaarg.in_reg.epil, label %vaarg.in_mem.epil

vaarg.in_mem.epil:                                ; preds = %for.body.epil.preheader
  %overflow_arg_area.next.epil = getelementptr i8, ptr %overflow_arg_area12.epil.init, i64 8
  store ptr %overflow_arg_area.next.epil, ptr %overflow_arg_area_p, align 8
  br label %vaarg.end.epil

vaarg.in_reg.epil:                                ; preds = %for.body.epil.preheader
  %2 = zext nneg i32 %gp_offset68.epil.init to i64
  %3 = getelementptr i8, ptr %reg_save_area, i64 %2
  %4 = add nuw nsw i32 %gp_offset68.epil.init, 8
  store i32 %4, ptr %ap, align 16
  br label %vaarg.end.epil

vaarg.end.epil:                                   ; preds = %vaarg.in_reg.epil, %vaarg.in_mem.epil
  %vaarg.addr.epil = phi ptr [ %3, %vaarg.in_reg.epil ], [ %overflow_arg_area12.epil.init, %vaarg.in_mem.epil ]
  %5 = load i32, ptr %vaarg.addr.epil, align 4
  %add.epil = add nsw i32 %5, %s.09.epil.init
  br label %for.cond.cleanup

for.cond.cleanup:                                 ; preds = %vaarg.end.epil, %for.cond.cleanup.loopexit.unr-lcssa, %entry
  %s.0.lcssa = phi i32 [ 0, %entry ], [ %add.1, %for.cond.cleanup.loopexit.unr-lcssa ], [ %add.epil, %vaarg.end.epil ]
  call void @llvm.va_end.p0(ptr nonnull %ap)
  call void @llvm.lifetime.end.p0(ptr nonnull %ap) #10
  ret i32 %s.0.lcssa

for.body:                                         ; preds = %vaarg.end.1, %for.body.lr.ph.new
  %overflow_arg_area12 = phi ptr [ %overflow_arg_area_p.promoted, %for.body.lr.ph.new ], [ %overflow_arg_area11.1, %vaarg.end.1 ]
  %s.09 = phi i32 [ 0, %for.body.lr.ph.new ], [ %add.1, %vaarg.end.1 ]
  %gp_offset68 = phi i32 [ %ap.promoted, %for.body.lr.ph.new ], [ %gp_offset5.1, %vaarg.end.1 ]
  %niter = phi i32 [ 0, %for.body.lr.ph.new ], [ %niter.next.1, %vaarg.end.1 ]
  %fits_in_gp = icmp ult i32 %gp_offset68, 41
  br i1 %fits_in_gp, label %vaarg.in_reg, label %vaarg.in_mem

vaarg.in_reg:                                     ; preds = %for.body
  %6 = zext nneg i32 %gp_offset68 to i64
  %7 = getelementptr i8, ptr %reg_save_area, i64 %6
  %8 = add nuw nsw i32 %gp_offset68, 8
  store i32 %8, ptr %ap, align 16
  br label %vaarg.end

vaarg.in_mem:                                     ; preds = %for.body
  %overflow_arg_area.next = getelementptr i8, ptr %overflow_arg_area12, i64 8
  store ptr %overflow_arg_area.next, ptr %overflow_arg_area_p, align 8
  br label %vaarg.end

vaarg.end:                                        ; preds = %vaarg.in_mem, %vaarg.in_reg
  %overflow_arg_area11 = phi ptr [ %overflow_arg_area12, %vaarg.in_reg ], [ %overflow_arg_area.next, %vaarg.in_mem ]
  %gp_offset5 = phi i32 [ %8, %vaarg.in_reg ], [ %gp_offset68, %vaarg.in_mem ]
  %vaarg.addr = phi ptr [ %7, %vaarg.in_reg ], [ %overflow_arg_area12, %vaarg.in_mem ]
  %9 = load i32, ptr %vaarg.addr, align 4
  %add = add nsw i32 %9, %s.09
  %fits_in_gp.1 = icmp ult i32 %gp_offset5, 41
  br i1 %fits_in_gp.1, label %vaarg.in_reg.1, label %vaarg.in_mem.1

vaarg.in_mem.1:                                   ; preds = %vaarg.end
  %overflow_arg_area.next.1 = getelementptr i8, ptr %overflow_arg_area11, i64 8
  store ptr %overflow_arg_area.next.1, ptr %overflow_arg_area_p, align 8
  br label %vaarg.end.1

vaarg.in_reg.1:                                   ; preds = %vaarg.end
  %10 = zext nneg i32 %gp_offset5 to i64
  %11 = getelementptr i8, ptr %reg_save_area, i64 %10
  %12 = add nuw nsw i32 %gp_offset5, 8
  store i32 %12, ptr %ap, align 16
  br label %vaarg.end.1

vaarg.end.1:                                      ; preds = %vaarg.in_reg.1, %vaarg.in_mem.1
  %overflow_arg_area11.1 = phi ptr [ %overflow_arg_area11, %vaarg.in_reg.1 ], [ %overflow_arg_area.next.1, %vaarg.in_mem.1 ]
  %gp_offset5.1 = phi i32 [ %12, %vaarg.in_reg.1 ], [ %gp_offset5, %vaarg.in_mem.1 ]
  %vaarg.addr.1 = phi ptr [ %11, %vaarg.in_reg.1 ], [ %overflow_arg_area11, %vaarg.in_mem.1 ]
  %13 = load i32, ptr %vaarg.addr.1, align 4
  %add.1 = add nsw i32 %13, %add
  %niter.next.1 = add i32 %niter, 2
  %niter.ncmp.1 = icmp eq i32 %niter.next.1, %unroll_iter
  br i1 %niter.ncmp.1, label %for.cond.cleanup.loopexit.unr-lcssa, label %for.body
}

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn
declare void @llvm.va_start.p0(ptr) #4

; Function Attrs: mustprogress nocallback nofree nosync nounwind willreturn
declare void @llvm.va_end.p0(ptr) #4

; Function Attrs: nofree noinline norecurse nosync nounwind uwtable
define dso_local i32 @reuse(i32 noundef %x) local_unnamed_addr #3 {
entry:
  %call = tail call i32 (i32, ...) @sum(i32 noundef 20, i32 noundef %x, i32 noundef 1, i32 noundef 2, i32 noundef 3, i32 noundef 4, i32 noundef 5, i32 noundef 6, i32 noundef 7, i32 noundef 8, i32 noundef 9, i32 noundef 10, i32 noundef 11, i32 noundef 12, i32 noundef 13, i32 noundef 14, i32 noundef 15, i32 noundef 16, i32 noundef 17, i32 noundef 18, i32 noundef 19)
  ret i32 %call
}

; Function Attrs: nofree nounwind uwtable
define dso_local noundef i32 @main(i32 noundef %argc, ptr noundef readnone captures(none) %argv) local_unnamed_addr #5 {
entry:
  %stack = alloca [4 x i32], align 16
  %f = alloca %struct.frame, align 8
  call void @llvm.lifetime.start.p0(ptr nonnull %stack) #10
  call void @llvm.memset.p0.i64(ptr noundef nonnull align 16 dereferenceable(16) %stack, i8 0, i64 16, i1 false)
  call void @llvm.lifetime.start.p0(ptr nonnull %f) #10
  store ptr %stack, ptr %f, align 8
  %hi = getelementptr inbounds nuw i8, ptr %f, i64 8
  %add.ptr = getelementptr inbounds nuw i8, ptr %stack, i64 16
  store ptr %add.ptr, ptr %hi, align 8
  %code = getelementptr inbounds nuw i8, ptr %f, i64 16
  call void @llvm.memcpy.p0.p0.i64(ptr noundef nonnull align 8 dereferenceable(32) %code, ptr noundef nonnull align 4 dereferenceable(32) @constinit, i64 32, i1 false)
  %ncode = getelementptr inbounds nuw i8, ptr %f, i64 48
  %add = add nsw i32 %argc, 7
  store i32 %add, ptr %ncode, align 8
  %0 = getelementptr inbounds nuw i8, ptr %f, i64 52
  store i32 0, ptr %0, align 4
  %add.ptr3 = getelementptr inbounds nuw i8, ptr %stack, i64 4
  %call = call ptr @describe(ptr noundef nonnull %f, ptr noundef nonnull %add.ptr3)
  %call4 = call i32 @reuse(i32 noundef %argc)
  %call5 = call i32 (ptr, ...) @printf(ptr noundef nonnull dereferenceable(1) @.str.4, ptr noundef %call, i32 noundef %call4)
  call void @llvm.lifetime.end.p0(ptr nonnull %f) #10
  call void @llvm.lifetime.end.p0(ptr nonnull %stack) #10
  ret i32 0
}

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(argmem: write)
declare void @llvm.memset.p0.i64(ptr writeonly captures(none), i8, i64, i1 immarg) #6

; Function Attrs: mustprogress nocallback nofree nounwind willreturn memory(argmem: readwrite)
declare void @llvm.memcpy.p0.p0.i64(ptr noalias writeonly captures(none), ptr noalias readonly captures(none), i64, i1 immarg) #7

; Function Attrs: nofree nounwind
declare noundef i32 @printf(ptr noundef readonly captures(none), ...) local_unnamed_addr #8

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write)
declare void @llvm.assume(i1 noundef) #9

attributes #0 = { mustprogress nofree noinline norecurse nosync nounwind willreturn memory(argmem: write) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #1 = { nofree noinline norecurse nosync nounwind memory(argmem: read) uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #2 = { mustprogress nocallback nofree nosync nounwind willreturn memory(argmem: readwrite) }
attributes #3 = { nofree noinline norecurse nosync nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #4 = { mustprogress nocallback nofree nosync nounwind willreturn }
attributes #5 = { nofree nounwind uwtable "min-legal-vector-width"="0" "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #6 = { mustprogress nocallback nofree nounwind willreturn memory(argmem: write) }
attributes #7 = { mustprogress nocallback nofree nounwind willreturn memory(argmem: readwrite) }
attributes #8 = { nofree nounwind "no-trapping-math"="true" "stack-protector-buffer-size"="8" "target-cpu"="x86-64" "target-features"="+cmov,+cx8,+fxsr,+mmx,+sse,+sse2,+x87" "tune-cpu"="generic" }
attributes #9 = { nocallback nofree nosync nounwind willreturn memory(inaccessiblemem: write) }
attributes #10 = { nounwind }

