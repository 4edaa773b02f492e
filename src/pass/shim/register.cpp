// The C++ side of the ffisan pass plugin: registers the module pass with the host's PassBuilder and
// exposes the two IR utilities the LLVM C API lacks. All the pass logic lives in Rust.
#include "llvm-c/Core.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

// Defined in Rust (src/instrument_module.rs): instruments one module, returns true if it changed it.
extern "C" bool ffisan_instrument_module(LLVMModuleRef M);

namespace {
struct FfisanPass : PassInfoMixin<FfisanPass> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    return ffisan_instrument_module(wrap(&M)) ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
  // Sanitizer passes must run at -O0 too, where optnone would otherwise skip them.
  static bool isRequired() { return true; }
};
} // namespace

// Pointed to by the PassPluginLibraryInfo that Rust's llvmGetPassPluginInfo returns.
extern "C" void ffisan_register_pass_builder_callbacks(void *Builder) {
  PassBuilder &PB = *static_cast<PassBuilder *>(Builder);
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

// Adds `Ctor` to llvm.global_ctors (creating or extending the array).
extern "C" void ffisan_append_global_ctor(LLVMModuleRef M, LLVMValueRef Ctor, int Priority) {
  appendToGlobalCtors(*unwrap(M), unwrap<Function>(Ctor), Priority);
}
