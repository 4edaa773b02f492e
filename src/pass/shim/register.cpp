// The C++ side of the ffisan pass plugin: registers the module pass with the host's PassBuilder and
// exposes the few IR utilities the LLVM C API lacks. All the pass logic lives in Rust.
#include "llvm-c/Core.h"
#include "llvm/ADT/SCCIterator.h"
#include "llvm/IR/CFG.h"
#include "llvm/IR/Dominators.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/Analysis/PostDominators.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

// Defined in Rust (src/instrument_module.rs): instruments one module, returns true if it changed it.
extern "C" bool ffisan_instrument_module(LLVMModuleRef M);
// Defined in Rust (src/instrument_module.rs): marks what the optimizer must keep (src/marks.rs).
extern "C" bool ffisan_mark_module(LLVMModuleRef M);

namespace {
struct FfisanPass : PassInfoMixin<FfisanPass> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    return ffisan_instrument_module(wrap(&M)) ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
  // Sanitizer passes must run at -O0 too, where optnone would otherwise skip them.
  static bool isRequired() { return true; }
};

struct FfisanMarkPass : PassInfoMixin<FfisanMarkPass> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    return ffisan_mark_module(wrap(&M)) ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
  static bool isRequired() { return true; }
};
} // namespace

// Whether `-asan-constructor-kind` (an option of LLVM's AddressSanitizer) was given to this process:
// `ffisan cc` passes it with -fsanitize=address, and nothing else does (src/marks.rs).
extern "C" bool ffisan_asan_constructor_kind_given() {
  auto &Options = cl::getRegisteredOptions();
  auto It = Options.find("asan-constructor-kind");
  return It != Options.end() && It->second->getNumOccurrences() > 0;
}

// Pointed to by the PassPluginLibraryInfo that Rust's llvmGetPassPluginInfo returns.
extern "C" void ffisan_register_pass_builder_callbacks(void *Builder) {
  PassBuilder &PB = *static_cast<PassBuilder *>(Builder);
  PB.registerPipelineStartEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel) { MPM.addPass(FfisanMarkPass()); });
  PB.registerOptimizerLastEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel, ThinOrFullLTOPhase) { MPM.addPass(FfisanPass()); });
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM, ArrayRef<PassBuilder::PipelineElement>) {
        if (Name != "ffisan")
          return false;
        MPM.addPass(FfisanPass());
        return true;
      });
}

// Splits the block before `SplitBefore` and branches to a new block when `Cond` holds, with the
// branch weighted `ThenWeight : ElseWeight`. Returns the new block's terminator (insert before it).
extern "C" LLVMValueRef ffisan_split_block_if_then(LLVMValueRef Cond, LLVMValueRef SplitBefore,
                                                   uint32_t ThenWeight, uint32_t ElseWeight) {
  Instruction *Before = unwrap<Instruction>(SplitBefore);
  MDNode *Weights = MDBuilder(Before->getContext()).createBranchWeights(ThenWeight, ElseWeight);
  return wrap(SplitBlockAndInsertIfThen(unwrap(Cond), Before->getIterator(), false, Weights));
}

// `Term` is the unconditional branch ending a block: it becomes a branch to a new block when `Cond`
// holds (weighted `ThenWeight : ElseWeight`), the new block branching on to the same target. One
// block fewer than splitting before `Term`. Returns the new block's terminator, or null (nothing
// changed) when the target starts with phis.
extern "C" LLVMValueRef ffisan_branch_to_new_block_if(LLVMValueRef Cond, LLVMValueRef Term,
                                                      uint32_t ThenWeight, uint32_t ElseWeight) {
  auto *Br = dyn_cast<BranchInst>(unwrap<Instruction>(Term));
  if (!Br || Br->isConditional() || isa<PHINode>(Br->getSuccessor(0)->front()))
    return nullptr;
  BasicBlock *Target = Br->getSuccessor(0);
  BasicBlock *From = Br->getParent();
  LLVMContext &Ctx = From->getContext();
  BasicBlock *Then = BasicBlock::Create(Ctx, "", From->getParent(), Target);
  BranchInst *ThenTerm = BranchInst::Create(Target, Then);
  ThenTerm->setDebugLoc(Br->getDebugLoc());
  BranchInst *Branch = BranchInst::Create(Then, Target, unwrap(Cond), Br->getIterator());
  Branch->setMetadata(LLVMContext::MD_prof,
                      MDBuilder(Ctx).createBranchWeights(ThenWeight, ElseWeight));
  Branch->setDebugLoc(Br->getDebugLoc());
  Br->eraseFromParent();
  return wrap(ThenTerm);
}

// Adds `Ctor` to llvm.global_ctors (creating or extending the array).
extern "C" void ffisan_append_global_ctor(LLVMModuleRef M, LLVMValueRef Ctor, int Priority) {
  appendToGlobalCtors(*unwrap(M), unwrap<Function>(Ctor), Priority);
}

// The pointer `Ptr` is based on once constant offsets (GEPs with constant indices, inbounds or not,
// casts) are stripped; the byte offset goes to `*Offset`. Returns `Ptr` itself with offset 0 when
// the base would be in another address space or the offset does not fit in 64 bits.
extern "C" LLVMValueRef ffisan_strip_constant_offsets(LLVMModuleRef M, LLVMValueRef Ptr,
                                                      int64_t *Offset) {
  Value *V = unwrap(Ptr);
  const DataLayout &DL = unwrap(M)->getDataLayout();
  APInt Accumulated(DL.getIndexTypeSizeInBits(V->getType()), 0);
  const Value *Base = V->stripAndAccumulateConstantOffsets(DL, Accumulated, /*AllowNonInbounds=*/true);
  *Offset = 0;
  if (Base->getType() != V->getType() || Accumulated.getSignificantBits() > 64)
    return Ptr;
  *Offset = Accumulated.getSExtValue();
  return wrap(Base);
}

// Where a function's fake frame can be entered lazily: the start of the nearest common dominator of
// every use of the `N` allocas (a phi's use counts in its incoming block; lifetime markers, which
// the pass erases, do not), moved up the dominator tree until it lies on no cycle of the CFG, so
// it runs at most once per call. Null when that block runs on every path anyway (it is the entry
// block, or post-dominates it, e.g. the block after an entry block check): enter at the entry as
// usual; or when it has no insertion point.
extern "C" LLVMValueRef ffisan_lazy_frame_entry(LLVMValueRef Fn, LLVMValueRef *Allocas, unsigned N) {
  Function &F = *unwrap<Function>(Fn);
  DominatorTree DT(F);
  BasicBlock *Common = nullptr;
  for (unsigned I = 0; I < N; ++I) {
    for (Use &U : unwrap(Allocas[I])->uses()) {
      auto *User = dyn_cast<Instruction>(U.getUser());
      if (!User)
        return nullptr;
      if (User->isLifetimeStartOrEnd())
        continue;
      BasicBlock *At = User->getParent();
      if (auto *Phi = dyn_cast<PHINode>(User))
        At = Phi->getIncomingBlock(U);
      if (!DT.isReachableFromEntry(At))
        continue;
      Common = Common ? DT.findNearestCommonDominator(Common, At) : At;
    }
  }
  BasicBlock *Entry = &F.getEntryBlock();
  if (!Common || Common == Entry)
    return nullptr;
  // Blocks on a cycle (loops, irreducible ones included): entering there could run twice.
  SmallPtrSet<const BasicBlock *, 32> OnCycle;
  for (scc_iterator<Function *> SCC = scc_begin(&F); !SCC.isAtEnd(); ++SCC)
    if (SCC.hasCycle())
      for (BasicBlock *BB : *SCC)
        OnCycle.insert(BB);
  while (Common != Entry && OnCycle.contains(Common))
    Common = DT.getNode(Common)->getIDom()->getBlock();
  if (Common == Entry || PostDominatorTree(F).dominates(Common, Entry))
    return nullptr;
  auto Point = Common->getFirstInsertionPt();
  return Point == Common->end() ? nullptr : wrap(&*Point);
}
