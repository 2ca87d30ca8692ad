/*
 * fiber_switch_x86_64.S — the context switch and first-entry trampoline
 * behind sim/fiber.c for x86-64 System V (Linux, ELF).
 *
 * fiber_arch_switch(void **save_sp, void *load_sp) is an ordinary function
 * call as far as the compiler is concerned: it preserves exactly what the
 * ABI says a callee must preserve and clobbers the rest.  It pushes the
 * callee-saved registers and the FP control state onto the running stack,
 * stores rsp in *save_sp, loads load_sp into rsp and pops the same layout
 * from the other stack, then `ret`s into whatever that stack was doing.
 *
 * Saved frame, lowest address first (save_sp points at offset 0):
 *
 *     0  x87 control word (2 bytes; fnstcw/fldcw), 6 bytes unused
 *     8  MXCSR (4 bytes; stmxcsr/ldmxcsr), 4 bytes unused
 *    16  r15
 *    24  r14
 *    32  r13
 *    40  r12
 *    48  rbx
 *    56  rbp
 *    64  return address
 *
 * sim/fiber.c mirrors this as `fiber_frame` and checks it with
 * _Static_assert; a fresh fiber's frame carries r12 = its fiber, r13 = the C
 * entry, rbp = 0 and return address = fiber_arch_trampoline.
 *
 * MXCSR control bits and the x87 control word are callee-saved in the ABI,
 * so each fiber keeps its own rounding mode.  ldmxcsr and fldcw are slow
 * compared with the rest of the switch, so they are skipped when the value
 * being restored equals the value just saved (then the load is a no-op;
 * the comparison covers all 32 MXCSR bits, status flags included).
 *
 * No system call, no signal mask, and rsp always points into a valid stack
 * (a signal may arrive at any instruction).  The CFI below describes the
 * frame relative to rsp, and the frame has the same shape on both stacks,
 * so a debugger unwinds correctly on either side of the `movq %rsi, %rsp`.
 *
 * Not shadow-stack (CET SHSTK) compatible: the trampoline is entered by
 * `ret` to an address that was never `call`ed.  This file carries no GNU
 * property note, so the linker leaves shadow stacks and IBT off for any
 * program that links it.
 */

#if defined(__CET__) && (__CET__ & 1)
#define FIBER_LANDING_PAD endbr64
#else
#define FIBER_LANDING_PAD
#endif

    .text

    .globl  fiber_arch_switch
    .hidden fiber_arch_switch
    .type   fiber_arch_switch, @function
    .p2align 4
fiber_arch_switch:
    .cfi_startproc
    FIBER_LANDING_PAD
    pushq   %rbp
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset %rbp, 0
    pushq   %rbx
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset %rbx, 0
    pushq   %r12
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset %r12, 0
    pushq   %r13
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset %r13, 0
    pushq   %r14
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset %r14, 0
    pushq   %r15
    .cfi_adjust_cfa_offset 8
    .cfi_rel_offset %r15, 0
    subq    $16, %rsp
    .cfi_adjust_cfa_offset 16
    stmxcsr 8(%rsp)
    fnstcw  (%rsp)
    /* Keep the outgoing FP control in scratch registers for the compare. */
    movl    8(%rsp), %ecx
    movzwl  (%rsp), %edx

    movq    %rsp, (%rdi)
    movq    %rsi, %rsp

    cmpl    8(%rsp), %ecx
    je      1f
    ldmxcsr 8(%rsp)
1:
    cmpw    (%rsp), %dx
    je      2f
    fldcw   (%rsp)
2:
    addq    $16, %rsp
    .cfi_adjust_cfa_offset -16
    popq    %r15
    .cfi_adjust_cfa_offset -8
    .cfi_restore %r15
    popq    %r14
    .cfi_adjust_cfa_offset -8
    .cfi_restore %r14
    popq    %r13
    .cfi_adjust_cfa_offset -8
    .cfi_restore %r13
    popq    %r12
    .cfi_adjust_cfa_offset -8
    .cfi_restore %r12
    popq    %rbx
    .cfi_adjust_cfa_offset -8
    .cfi_restore %rbx
    popq    %rbp
    .cfi_adjust_cfa_offset -8
    .cfi_restore %rbp
    ret
    .cfi_endproc
    .size   fiber_arch_switch, .-fiber_arch_switch

/*
 * First instructions of every fiber, reached by the `ret` of
 * fiber_arch_switch from a hand-laid frame.  rsp is 16-byte aligned here, so
 * the `call` leaves the C entry with (rsp + 8) % 16 == 0 as the ABI requires.
 * r12 = the fiber, r13 = the C entry (fiber.c's fiber_main, which never
 * returns).  rbp is 0 and the return address is undefined in the CFI, so
 * frame-pointer walkers and DWARF unwinders both stop here.
 */
    .globl  fiber_arch_trampoline
    .hidden fiber_arch_trampoline
    .type   fiber_arch_trampoline, @function
    .p2align 4
fiber_arch_trampoline:
    .cfi_startproc
    .cfi_undefined %rip
    movq    %r12, %rdi
    call    *%r13
    ud2
    .cfi_endproc
    .size   fiber_arch_trampoline, .-fiber_arch_trampoline

    .section .note.GNU-stack,"",@progbits
