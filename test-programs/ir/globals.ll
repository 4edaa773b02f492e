; Globals get a redzone after them and are registered: each becomes { object, [R x i8] }, aligned
; to 32, with ASan's redzone sizes (at least 32 bytes, ending on a 32-byte step); the module
; constructor passes their descriptors to __asan_register_globals after the init, the destructor
; to __asan_unregister_globals. Declarations, thread-locals, globals in a section, in a comdat,
; weak ones and those marked no_sanitize_address keep their layout.
; RUN: %opt_ffisan -S %s | FileCheck %s

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-pc-linux-gnu"

$folded = comdat any

; CHECK-DAG: @table = global { [10 x i32], [56 x i8] } { [10 x i32] [i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10], [56 x i8] zeroinitializer }, align 32
@table = global [10 x i32] [i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7, i32 8, i32 9, i32 10], align 16
; A padded literal loses unnamed_addr, so the linker never merges another object's constant into it.
; CHECK-DAG: @.str = private constant { [5 x i8], [27 x i8] } { [5 x i8] c"four\00", [27 x i8] zeroinitializer }, align 32
@.str = private unnamed_addr constant [5 x i8] c"four\00", align 1
; 1000 bytes: a quarter rounded to 32 (224), plus 24 to end on a 32-byte step.
; CHECK-DAG: @big = internal global { [1000 x i8], [248 x i8] } zeroinitializer, align 32
@big = internal global [1000 x i8] zeroinitializer, align 1
; CHECK-DAG: @declared = external global [16 x i8]
@declared = external global [16 x i8]
; CHECK-DAG: @tls = thread_local global i32 0
@tls = thread_local global i32 0
; CHECK-DAG: @placed = global i32 0, section "my_section"
@placed = global i32 0, section "my_section"
; CHECK-DAG: @folded = global i32 0, comdat
@folded = global i32 0, comdat
; CHECK-DAG: @weak = weak global i32 0
@weak = weak global i32 0
; CHECK-DAG: @unsanitized = global i32 0, no_sanitize_address
@unsanitized = global i32 0, no_sanitize_address

; CHECK-DAG: @__ffisan_globals = private global [3 x { i64, i64, i64, i64, i64, i64, i64, i64 }] [{ {{.*}} } { i64 ptrtoint (ptr @table to i64), i64 40, i64 96, {{.*}} }, { {{.*}} } { i64 ptrtoint (ptr @.str to i64), i64 5, i64 32, {{.*}} }, { {{.*}} } { i64 ptrtoint (ptr @big to i64), i64 1000, i64 1248, {{.*}} }]
; CHECK-DAG: @llvm.global_dtors = appending global [1 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 1, ptr @ffisan.module_dtor, ptr null }]

define i32 @use(i64 %i) {
  %p = getelementptr inbounds [10 x i32], ptr @table, i64 0, i64 %i
  %v = load i32, ptr %p, align 4
  %c = load i8, ptr @.str, align 1
  %b = load i8, ptr @big, align 1
  ret i32 %v
}

; CHECK-LABEL: define internal void @ffisan.module_ctor(
; CHECK-NEXT:  entry:
; CHECK-NEXT:  call void @__ffisan_init_v9()
; CHECK-NEXT:  call void @__asan_register_globals(ptr @__ffisan_globals, i64 3)
; CHECK-LABEL: define internal void @ffisan.module_dtor(
; CHECK-NEXT:  entry:
; CHECK-NEXT:  call void @__asan_unregister_globals(ptr @__ffisan_globals, i64 3)
