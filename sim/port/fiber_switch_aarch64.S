/*
 * fiber_switch_aarch64.S — the context switch and first-entry trampoline
 * behind sim/fiber.c for AArch64 (AAPCS64, Linux, ELF).
 *
 * fiber_arch_switch(void **save_sp, void *load_sp) is an ordinary function
 * call as far as the compiler is concerned: it preserves exactly what
 * AAPCS64 says a callee must preserve and clobbers the rest.  It stores the
 * callee-saved registers and FPCR below the running sp, stores sp in
 * *save_sp, loads load_sp into sp, reloads the same layout from the other
 * stack and `ret`s through the restored x30.
 *
 * Saved frame, 176 bytes, lowest address first (save_sp points at 0):
 *
 *     0  x19 x20   16  x21 x22   32  x23 x24   48  x25 x26   64  x27 x28
 *    80  x29 (frame pointer)     88  x30 (return address)
 *    96  d8 d9    112  d10 d11  128  d12 d13  144  d14 d15
 *   160  FPCR     168  unused
 *
 * sim/fiber.c mirrors this as `fiber_frame` and checks it with
 * _Static_assert; a fresh fiber's frame carries x19 = its fiber, x20 = the C
 * entry, x29 = 0 and x30 = fiber_arch_trampoline.  176 is a multiple of 16,
 * so sp stays 16-byte aligned at every instruction, as AAPCS64 requires.
 * Only the low 64 bits of v8-v15 are callee-saved, hence d8-d15.  x18 (the
 * platform register) is left alone.
 *
 * FPCR (rounding mode, flush-to-zero, default NaN) is saved per fiber so a
 * fiber that changes its rounding mode does not leak it, as on x86-64.
 * Writing FPCR can be slow, so the write is skipped when the value being
 * restored equals the value just saved.
 *
 * No system call; sp always points into a valid stack.  The CFI describes
 * the frame relative to sp and the frame has the same shape on both stacks.
 * No BTI/PAC property note is emitted, so a program that links this runs
 * with BTI off; the code itself needs no landing pads (fiber_arch_switch is
 * called directly, the trampoline is reached by `ret`).
 *
 * Untested on hardware at the time of writing: assembled only.
 */

    .text

    .globl  fiber_arch_switch
    .hidden fiber_arch_switch
    .type   fiber_arch_switch, %function
    .p2align 4
fiber_arch_switch:
    .cfi_startproc
    sub     sp, sp, #176
    .cfi_adjust_cfa_offset 176
    stp     x19, x20, [sp, #0]
    .cfi_rel_offset x19, 0
    .cfi_rel_offset x20, 8
    stp     x21, x22, [sp, #16]
    .cfi_rel_offset x21, 16
    .cfi_rel_offset x22, 24
    stp     x23, x24, [sp, #32]
    .cfi_rel_offset x23, 32
    .cfi_rel_offset x24, 40
    stp     x25, x26, [sp, #48]
    .cfi_rel_offset x25, 48
    .cfi_rel_offset x26, 56
    stp     x27, x28, [sp, #64]
    .cfi_rel_offset x27, 64
    .cfi_rel_offset x28, 72
    stp     x29, x30, [sp, #80]
    .cfi_rel_offset x29, 80
    .cfi_rel_offset x30, 88
    /* DWARF numbers 72-79 are v8-v15. */
    stp     d8, d9, [sp, #96]
    .cfi_rel_offset 72, 96
    .cfi_rel_offset 73, 104
    stp     d10, d11, [sp, #112]
    .cfi_rel_offset 74, 112
    .cfi_rel_offset 75, 120
    stp     d12, d13, [sp, #128]
    .cfi_rel_offset 76, 128
    .cfi_rel_offset 77, 136
    stp     d14, d15, [sp, #144]
    .cfi_rel_offset 78, 144
    .cfi_rel_offset 79, 152
    mrs     x9, fpcr
    str     x9, [sp, #160]

    mov     x10, sp
    str     x10, [x0]
    mov     sp, x1

    ldr     x10, [sp, #160]
    cmp     x9, x10
    b.eq    1f
    msr     fpcr, x10
1:
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    ldp     d8, d9, [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    add     sp, sp, #176
    .cfi_adjust_cfa_offset -176
    .cfi_restore x19
    .cfi_restore x20
    .cfi_restore x21
    .cfi_restore x22
    .cfi_restore x23
    .cfi_restore x24
    .cfi_restore x25
    .cfi_restore x26
    .cfi_restore x27
    .cfi_restore x28
    .cfi_restore x29
    .cfi_restore x30
    .cfi_restore 72
    .cfi_restore 73
    .cfi_restore 74
    .cfi_restore 75
    .cfi_restore 76
    .cfi_restore 77
    .cfi_restore 78
    .cfi_restore 79
    ret
    .cfi_endproc
    .size   fiber_arch_switch, .-fiber_arch_switch

/*
 * First instructions of every fiber, reached by the `ret` of
 * fiber_arch_switch from a hand-laid frame, with sp 16-byte aligned.
 * x19 = the fiber, x20 = the C entry (fiber.c's fiber_main, which never
 * returns).  x29 is 0 and x30 is undefined in the CFI, so frame-record
 * walkers and DWARF unwinders both stop here.
 */
    .globl  fiber_arch_trampoline
    .hidden fiber_arch_trampoline
    .type   fiber_arch_trampoline, %function
    .p2align 4
fiber_arch_trampoline:
    .cfi_startproc
    .cfi_undefined x30
    mov     x0, x19
    blr     x20
    brk     #0x1
    .cfi_endproc
    .size   fiber_arch_trampoline, .-fiber_arch_trampoline

    /* @progbits as on x86-64; '@' is not a comment character on AArch64. */
    .section .note.GNU-stack,"",@progbits
