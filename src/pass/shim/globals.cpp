// IR utilities for the redzones around globals (src/globals.rs decides which globals and how big
// a redzone): what the LLVM C API cannot do in one step.
#include "llvm-c/Core.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

using namespace llvm;

// Whether the front end marked `G` as not to be sanitized (`__attribute__((no_sanitize("address")))`
// or `disable_sanitizer_instrumentation` on a global, with -fsanitize=address).
extern "C" bool ffisan_global_no_sanitize_address(LLVMValueRef G) {
  auto *GV = unwrap<GlobalVariable>(G);
  return GV->hasSanitizerMetadata() && GV->getSanitizerMetadata().NoAddress;
}

// Replaces `G` by a global of type { T, [Redzone x i8] } with the same name, initializer, linkage,
// attributes, debug info and every use, aligned to at least `MinAlign` so the object starts a
// granule and the redzone follows it; returns the new global.
extern "C" LLVMValueRef ffisan_pad_global(LLVMValueRef G, uint64_t Redzone, unsigned MinAlign) {
  auto *Old = unwrap<GlobalVariable>(G);
  Module &M = *Old->getParent();
  LLVMContext &Ctx = M.getContext();
  Type *ObjectTy = Old->getValueType();
  ArrayType *RedzoneTy = ArrayType::get(Type::getInt8Ty(Ctx), Redzone);
  StructType *PaddedTy = StructType::get(ObjectTy, RedzoneTy);
  Constant *Init = ConstantStruct::get(PaddedTy, {Old->getInitializer(), Constant::getNullValue(RedzoneTy)});
  auto *New = new GlobalVariable(M, PaddedTy, Old->isConstant(), Old->getLinkage(), Init, "", Old,
                                 Old->getThreadLocalMode(), Old->getAddressSpace());
  New->copyAttributesFrom(Old);
  // A padded constant left unnamed_addr may go to a mergeable section (.rodata.cst16, .str1.1),
  // where the linker folds another object's equal constant into it: that object's reads of its own
  // bytes then land in this one's redzone (rusqlite's Rust constants merged into SQLite's padded
  // strings). ASan drops unnamed_addr for the same reason.
  New->setUnnamedAddr(GlobalValue::UnnamedAddr::None);
  New->setAlignment(MaybeAlign(std::max<uint64_t>(Old->getAlign().valueOrOne().value(), MinAlign)));
  New->copyMetadata(Old, 0);
  New->takeName(Old);
  Old->replaceAllUsesWith(New);
  Old->eraseFromParent();
  return wrap(New);
}

// Where `G` is defined, from its debug info: the file name (not NUL-terminated; `*Length` bytes)
// and line, or null when the module has no debug info for it (line tables only).
extern "C" const char *ffisan_global_definition(LLVMValueRef G, size_t *Length, unsigned *Line) {
  SmallVector<DIGlobalVariableExpression *, 1> Infos;
  unwrap<GlobalVariable>(G)->getDebugInfo(Infos);
  for (DIGlobalVariableExpression *Info : Infos) {
    DIGlobalVariable *Var = Info->getVariable();
    if (!Var || !Var->getFile())
      continue;
    StringRef File = Var->getFile()->getFilename();
    *Length = File.size();
    *Line = Var->getLine();
    return File.data();
  }
  return nullptr;
}

// Adds `Dtor` to llvm.global_dtors (creating or extending the array).
extern "C" void ffisan_append_global_dtor(LLVMModuleRef M, LLVMValueRef Dtor, int Priority) {
  appendToGlobalDtors(*unwrap(M), unwrap<Function>(Dtor), Priority);
}
