// Loop analysis for ffisan's loop-check hoisting (src/hoist.rs): which loads and stores of a loop
// run exactly once per iteration at addresses first + i * stride, and how many times. LoopInfo and
// ScalarEvolution have no C API, so this part is C++; the Rust side emits the check.
#include "llvm-c/Core.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Analysis/AssumptionCache.h"
#include "llvm/Analysis/LoopInfo.h"
#include "llvm/Analysis/ScalarEvolution.h"
#include "llvm/Analysis/ScalarEvolutionExpressions.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/LoopUtils.h"
#include "llvm/Transforms/Utils/ScalarEvolutionExpander.h"

#include <cstdlib>
#include <optional>

using namespace llvm;

// One access the Rust side asks about. When it is hoisted, either First, Count, Stride and
// InsertBefore describe its check (`__ffisan_check_loop(First, Count, Stride, size, flags)` before
// InsertBefore), or First is null: the check of an earlier item covers it too.
struct FfisanLoopCheck {
  LLVMValueRef Access;       // in: a load or store the pass would check
  bool Hoisted;              // out: its per-iteration check can go
  LLVMValueRef First;        // out: the address of the first access checked (a pointer)
  LLVMValueRef Count;        // out: i64, how many accesses the check covers
  int64_t Stride;            // out: bytes between the addresses of consecutive accesses
  LLVMValueRef InsertBefore; // out: the loop preheader's terminator; First and Count dominate it
  unsigned Group;            // out: the item whose check leads this one's group (itself if none)
  int64_t GroupOffset;       // out: First minus the group leader's First, in bytes
};

namespace {

// A call the loop may make without invalidating a check done before it: intrinsics that touch no
// memory (arithmetic) and the assume-like markers (debug, lifetime, assume). Anything else may free
// memory, leave a fake frame, or change the shadow some other way (mem* intrinsics are excluded too).
bool cannotChangeShadow(const CallBase &Call) {
  const auto *II = dyn_cast<IntrinsicInst>(&Call);
  if (!II || isa<AnyMemIntrinsic>(II))
    return false;
  return II->isAssumeLikeIntrinsic() || (II->doesNotAccessMemory() && !II->mayHaveSideEffects());
}

// Whether every iteration of `L` runs its blocks that dominate the latch exactly once, and nothing
// in it can change the shadow: one predecessor outside the loop (where a preheader can go), a
// single latch that is the only way out, no call but harmless intrinsics (inner loops included),
// no atomics (another thread could be freeing memory the loop waits on) and no volatile accesses.
bool isStraightLoop(const Loop &L) {
  BasicBlock *Latch = L.getLoopLatch();
  if (!L.getLoopPredecessor() || !Latch || L.getExitingBlock() != Latch)
    return false;
  for (BasicBlock *BB : L.blocks())
    for (Instruction &I : *BB) {
      if (const auto *Call = dyn_cast<CallBase>(&I)) {
        if (!cannotChangeShadow(*Call))
          return false;
      } else if (I.isAtomic() || I.isVolatile()) {
        return false;
      }
    }
  return true;
}

// What a hoistable access's check needs, as SCEVs: count accesses at Start + i * Stride.
struct LoopSpan {
  Loop *L = nullptr;
  const SCEV *Start = nullptr;
  const SCEV *Count = nullptr;
  int64_t Stride = 0;
  // Index of the span whose check covers this one (its own index if none does).
  unsigned CoveredBy = 0;
  // Index of the span leading this one's group of neighbouring checks, and the start's offset.
  unsigned Group = 0;
  int64_t GroupOffset = 0;
};

// The span of access `I`'s executions in its innermost loop, if its check can move before it.
std::optional<LoopSpan> hoistableSpan(Instruction &I, LoopInfo &LI, DominatorTree &DT,
                                      ScalarEvolution &SE, SCEVExpander &Expander,
                                      DenseMap<const Loop *, bool> &Straight) {
  if (!(isa<LoadInst>(I) || isa<StoreInst>(I)) || I.isAtomic() || I.isVolatile())
    return std::nullopt;
  Loop *L = LI.getLoopFor(I.getParent());
  if (!L)
    return std::nullopt;
  auto [Known, IsNew] = Straight.try_emplace(L, false);
  if (IsNew)
    Known->second = isStraightLoop(*L);
  if (!Known->second || !DT.dominates(I.getParent(), L->getLoopLatch()))
    return std::nullopt;
  // The address advances by a constant step each iteration, or (a pointer LICM could not take
  // out of the loop, say one a store in the loop may alias) stays the same: step 0.
  const SCEV *Ptr = SE.getSCEV(getLoadStorePointerOperand(&I));
  const SCEV *Start = Ptr;
  int64_t Stride = 0;
  if (const auto *AddRec = dyn_cast<SCEVAddRecExpr>(Ptr)) {
    if (AddRec->getLoop() != L || !AddRec->isAffine())
      return std::nullopt;
    const auto *Step = dyn_cast<SCEVConstant>(AddRec->getStepRecurrence(SE));
    if (!Step || Step->getAPInt().getSignificantBits() > 64)
      return std::nullopt;
    Start = AddRec->getStart();
    Stride = Step->getAPInt().getSExtValue();
  }
  const SCEV *BTC = SE.getBackedgeTakenCount(L, ScalarEvolution::Exact);
  if (isa<SCEVCouldNotCompute>(BTC) || SE.getTypeSizeInBits(BTC->getType()) > 64)
    return std::nullopt;
  // Safe at the end of the loop's predecessor is safe in a preheader placed after it.
  Instruction *At = L->getLoopPredecessor()->getTerminator();
  if (!SE.isLoopInvariant(Start, L) || !Expander.isSafeToExpandAt(Start, At) ||
      !Expander.isSafeToExpandAt(BTC, At))
    return std::nullopt;
  // Zero-extended first: a 32-bit BTC of 2^32 - 1 is 2^32 iterations. A 64-bit BTC of 2^64 - 1
  // (count 0: no check) is a loop of 2^64 accesses, which faults long before it ends.
  Type *I64 = Type::getInt64Ty(I.getContext());
  const SCEV *Count = SE.getAddExpr(SE.getNoopOrZeroExtend(BTC, I64), SE.getOne(I64));
  return LoopSpan{L, Start, Count, Stride};
}

// The bytes an access loads or stores, or 0 if not fixed.
uint64_t accessSize(Instruction &I) {
  TypeSize Size = I.getDataLayout().getTypeStoreSize(getLoadStoreType(&I));
  return Size.isScalable() ? 0 : Size.getFixedValue();
}

// Accesses of one iteration that together walk one progression: m accesses of one block, of the
// same size and kind (load or store), in that order at start, start + d, ..., start + (m-1)d, each
// with stride m * d (a loop unrolled m times, or vectorized into m loads). Their executions, in
// order, are start + k * d for k = 0 .. m * count - 1, so one check of that progression reports
// exactly what the m checks would: it replaces them (the first member's span becomes it).
void mergeInterleaved(ArrayRef<Instruction *> Insts, MutableArrayRef<std::optional<LoopSpan>> Spans,
                      ScalarEvolution &SE) {
  struct Chain {
    unsigned Leader;
    unsigned Members;
    int64_t Step; // d; 0 until the second member joins
  };
  SmallVector<Chain, 8> Chains;
  auto offsetFromLeader = [&](unsigned Leader, unsigned K) -> std::optional<int64_t> {
    const auto *Diff = dyn_cast<SCEVConstant>(SE.getMinusSCEV(Spans[K]->Start, Spans[Leader]->Start));
    if (!Diff || Diff->getAPInt().getSignificantBits() > 64)
      return std::nullopt;
    return Diff->getAPInt().getSExtValue();
  };
  for (unsigned K = 0; K < Spans.size(); ++K) {
    if (!Spans[K])
      continue;
    Spans[K]->CoveredBy = K;
    bool Joined = false;
    for (Chain &C : Chains) {
      Instruction *Leader = Insts[C.Leader];
      if (Leader->getParent() != Insts[K]->getParent() || Leader->getOpcode() != Insts[K]->getOpcode() ||
          accessSize(*Leader) != accessSize(*Insts[K]) ||
          Spans[C.Leader]->Stride != Spans[K]->Stride || Spans[C.Leader]->Count != Spans[K]->Count)
        continue;
      std::optional<int64_t> Offset = offsetFromLeader(C.Leader, K);
      if (!Offset || *Offset == 0 || (C.Step != 0 && *Offset != C.Step * int64_t(C.Members)))
        continue;
      if (C.Step == 0)
        C.Step = *Offset;
      Spans[K]->CoveredBy = C.Leader;
      ++C.Members;
      Joined = true;
      break;
    }
    if (!Joined)
      Chains.push_back({K, 1, 0});
  }
  Type *I64 = Type::getInt64Ty(SE.getContext());
  for (const Chain &C : Chains) {
    LoopSpan &Leader = *Spans[C.Leader];
    bool Complete = C.Members >= 2 && C.Step * int64_t(C.Members) == Leader.Stride;
    if (!Complete) {
      // Not one progression: every member keeps its own check.
      for (auto &Span : Spans)
        if (Span && Span->CoveredBy == C.Leader)
          Span->CoveredBy = &Span - Spans.data();
      continue;
    }
    Leader.Count = SE.getMulExpr(Leader.Count, SE.getConstant(I64, C.Members));
    Leader.Stride = C.Step;
  }
}

// How far apart the starts of two checks of one group may be.
constexpr int64_t MaxGroupOffset = 32;

// Checks of one loop over the same count and stride whose starts lie a few bytes apart (the fields
// of one struct per iteration, a value and its tag, two arrays' elements that happen to be
// neighbours) form a group: the Rust side tests their union inline once, and makes each one's exact
// check only when that test fails.
void groupNeighbours(MutableArrayRef<std::optional<LoopSpan>> Spans, ScalarEvolution &SE) {
  SmallVector<unsigned, 8> Leaders;
  for (unsigned K = 0; K < Spans.size(); ++K) {
    if (!Spans[K] || Spans[K]->CoveredBy != K)
      continue;
    LoopSpan &Span = *Spans[K];
    Span.Group = K;
    Span.GroupOffset = 0;
    for (unsigned J : Leaders) {
      const LoopSpan &Leader = *Spans[J];
      if (Leader.L != Span.L || Leader.Count != Span.Count || Leader.Stride != Span.Stride)
        continue;
      const auto *Diff = dyn_cast<SCEVConstant>(SE.getMinusSCEV(Span.Start, Leader.Start));
      if (!Diff || Diff->getAPInt().getSignificantBits() > 64 ||
          std::abs(Diff->getAPInt().getSExtValue()) > MaxGroupOffset)
        continue;
      Span.Group = J;
      Span.GroupOffset = Diff->getAPInt().getSExtValue();
      break;
    }
    if (Span.Group == K)
      Leaders.push_back(K);
  }
}

} // namespace

// For each of the `N` accesses in `Items` (loads and stores of `Fn` the pass would check), decides
// whether its per-iteration check can become one check before its innermost loop, and if so
// expands, before the loop preheader's terminator, its first address and the iteration count. The
// conditions, each needed for soundness (docs/design.md, "Loop checks"):
//  - the loop is straight (isStraightLoop) and the access's block dominates the latch, so each of
//    the loop's iterations runs the access exactly once, and no memory is freed meanwhile;
//  - its address is an affine add-recurrence {start,+,stride} of that loop with a constant
//    stride, or loop-invariant (stride 0), and its start is loop-invariant and safe to expand
//    before the loop;
//  - the loop's exact backedge-taken count is known and safe to expand: count = BTC + 1.
// A loop entered from a block that also branches elsewhere (common after -O2: the guard `n > 0`
// jumps straight to the header) gets a preheader of its own, so the check runs only when the loop
// does. Returns how many accesses can be hoisted. Otherwise only adds instructions (the expansion
// may add an induction variable to an outer loop).
extern "C" unsigned ffisan_hoist_loop_accesses(LLVMValueRef Fn, FfisanLoopCheck *Items, unsigned N) {
  Function &F = *unwrap<Function>(Fn);
  for (unsigned K = 0; K < N; ++K) {
    Items[K].Hoisted = false;
    Items[K].First = Items[K].Count = Items[K].InsertBefore = nullptr;
  }
  DominatorTree DT(F);
  LoopInfo LI(DT);
  if (LI.empty())
    return 0;
  TargetLibraryInfoImpl TLII(F.getParent()->getTargetTriple());
  TargetLibraryInfo TLI(TLII, &F);
  AssumptionCache AC(F);
  ScalarEvolution SE(F, TLI, AC, DT, LI);
  SCEVExpander Expander(SE, "ffisan.loop");
  DenseMap<const Loop *, bool> Straight;
  SmallVector<std::optional<LoopSpan>, 0> Spans(N);
  SmallVector<Instruction *, 0> Insts(N);
  for (unsigned K = 0; K < N; ++K) {
    Insts[K] = unwrap<Instruction>(Items[K].Access);
    Spans[K] = hoistableSpan(*Insts[K], LI, DT, SE, Expander, Straight);
  }
  mergeInterleaved(Insts, Spans, SE);
  groupNeighbours(Spans, SE);
  // Decided; now change the function. Splitting the edge into the header keeps DT and LI up to
  // date, and changes no value SCEV describes.
  for (auto &Span : Spans) {
    if (!Span || Span->L->getLoopPreheader() ||
        InsertPreheaderForLoop(Span->L, &DT, &LI, nullptr, /*PreserveLCSSA=*/false))
      continue;
    Loop *Failed = Span->L; // its spans may cover one another: all go
    for (auto &Other : Spans)
      if (Other && Other->L == Failed)
        Other.reset();
  }
  unsigned Hoisted = 0;
  Type *I64 = Type::getInt64Ty(F.getContext());
  for (unsigned K = 0; K < N; ++K) {
    if (!Spans[K])
      continue;
    Items[K].Hoisted = true;
    if (Spans[K]->CoveredBy != K)
      continue;
    Instruction *At = Spans[K]->L->getLoopPreheader()->getTerminator();
    Type *PtrTy = getLoadStorePointerOperand(Insts[K])->getType();
    Items[K].First = wrap(Expander.expandCodeFor(Spans[K]->Start, PtrTy, At->getIterator()));
    Items[K].Count = wrap(Expander.expandCodeFor(Spans[K]->Count, I64, At->getIterator()));
    Items[K].Stride = Spans[K]->Stride;
    Items[K].InsertBefore = wrap(At);
    Items[K].Group = Spans[K]->Group;
    Items[K].GroupOffset = Spans[K]->GroupOffset;
    ++Hoisted;
  }
  return Hoisted;
}
