/*
 * The accelerator probe's guest (package vmtest, accel.go): 512 bytes that
 * end a 64 KiB qemu -bios image, so they sit at linear 0xFFFFFE00 and the
 * last 16 hold the reset vector. From reset it goes the way firmware does:
 * real mode, 32-bit protected mode, 64-bit long mode with paging, then the
 * x87 FPU and SSE (OVMF's first x87 instruction is where a PVM host's KVM
 * stops with "emulation failure"), and a loop of LOOPS SSE additions that
 * takes about a millisecond on a vCPU that runs natively and tens of
 * milliseconds under TCG, but seconds where every instruction is emulated.
 * It then writes 0x31 to qemu's isa-debug-exit port (0xf4), so qemu exits
 * with status (0x31 << 1) | 1 = 99; 0x32 (status 101) if the sum is wrong.
 *
 * Rebuild probe.bin (TestProbeImage checks it matches):
 *   as --64 -o probe.o probe.s && objcopy -O binary -j .text probe.o probe.bin
 */
	.set	BASE, 0xFFFFFE00       /* linear address of start */
	.set	CSOFF, 0xFE00          /* start's offset from CS base 0xFFFF0000 at reset */
	.set	PML4, 0x1000           /* page tables, in RAM (zero at power-on) */
	.set	PDPT, 0x2000
	.set	PD,   0x3000
	.set	EXIT, 0xf4             /* isa-debug-exit,iobase=0xf4 */
	.set	LOOPS, 2000000

	.text
	.code16
start:
	cli
	cld
	lgdtl	%cs:(CSOFF + gdtr - start)
	movl	%cr0, %eax
	orl	$1, %eax               /* PE */
	movl	%eax, %cr0
	ljmpl	$0x08, $(BASE + pm32 - start)

	.code32
pm32:
	movw	$0x10, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	/* map the top 2 MiB of the 4 GiB space onto itself with one 2 MiB page */
	movl	$(PDPT | 3), PML4
	movl	$(PD | 3), PDPT + 3*8
	movl	$(0xFFE00000 | 0x83), PD + 511*8
	movl	$PML4, %eax
	movl	%eax, %cr3
	movl	%cr4, %eax
	orl	$(1<<5 | 1<<9 | 1<<10), %eax  /* PAE, OSFXSR, OSXMMEXCPT */
	movl	%eax, %cr4
	movl	$0xC0000080, %ecx      /* EFER */
	rdmsr
	orl	$(1<<8), %eax          /* LME */
	wrmsr
	movl	%cr0, %eax
	andl	$~(1<<2), %eax         /* EM off: x87 and SSE run */
	orl	$(1<<31 | 1<<1), %eax  /* PG, MP */
	movl	%eax, %cr0
	ljmp	$0x18, $(BASE + lm64 - start)

	.code64
lm64:
	fninit
	fwait
	fld1
	pxor	%xmm0, %xmm0
	pcmpeqd	%xmm1, %xmm1           /* -1 in each dword */
	movl	$LOOPS, %ecx
1:	psubd	%xmm1, %xmm0           /* +1 in each dword */
	decl	%ecx
	jnz	1b
	movd	%xmm0, %eax
	cmpl	$LOOPS, %eax
	jne	bad
	movb	$0x31, %al
	outb	%al, $EXIT
bad:
	movb	$0x32, %al
	outb	%al, $EXIT
2:	hlt
	jmp	2b

	.p2align 3
gdt:
	.quad	0
	.quad	0x00CF9B000000FFFF     /* 0x08: 32-bit code, base 0, 4 GiB */
	.quad	0x00CF93000000FFFF     /* 0x10: data, base 0, 4 GiB */
	.quad	0x00AF9B000000FFFF     /* 0x18: 64-bit code */
gdtr:
	.word	gdtr - gdt - 1
	.long	BASE + gdt - start

	.org	0x1F0                  /* the reset vector, linear 0xFFFFFFF0 */
	.code16
	jmp	start
	.org	0x200, 0xf4
