/* See x86_regs.h. The register names, order and feature names are the ones
 * gdb's i386 target code looks for (GDB manual, "i386 Features"); gdb rejects
 * an org.gnu.gdb.i386.core feature without the x87 registers. */
#include "x86_regs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

enum reg_feature { FEATURE_CORE, FEATURE_SSE, FEATURE_SEGMENTS, FEATURE_SYSTEM, NR_FEATURES };

struct reg_desc {
	const char *name;
	unsigned int bits;
	const char *type;
	const char *group; /* NULL: gdb's default for the type */
	enum reg_feature feature;
};

#define GPR(name)                                     \
	{                                             \
		name, 64, "int64", NULL, FEATURE_CORE \
	}
#define SEG(name)                                     \
	{                                             \
		name, 32, "int32", NULL, FEATURE_CORE \
	}
#define X87(name)                                      \
	{                                              \
		name, 32, "int", "float", FEATURE_CORE \
	}
#define ST(name)                                         \
	{                                                \
		name, 80, "i387_ext", NULL, FEATURE_CORE \
	}
#define XMM(name)                                      \
	{                                              \
		name, 128, "vec128", NULL, FEATURE_SSE \
	}
#define SYS(name)                                         \
	{                                                 \
		name, 64, "int", "system", FEATURE_SYSTEM \
	}

static const struct reg_desc reg_descs[GDB_X86_NR_REGS] = {
	GPR("rax"),
	GPR("rbx"),
	GPR("rcx"),
	GPR("rdx"),
	GPR("rsi"),
	GPR("rdi"),
	{ "rbp", 64, "data_ptr", NULL, FEATURE_CORE },
	{ "rsp", 64, "data_ptr", NULL, FEATURE_CORE },
	GPR("r8"),
	GPR("r9"),
	GPR("r10"),
	GPR("r11"),
	GPR("r12"),
	GPR("r13"),
	GPR("r14"),
	GPR("r15"),
	{ "rip", 64, "code_ptr", NULL, FEATURE_CORE },
	{ "eflags", 32, "x86_eflags", NULL, FEATURE_CORE },
	SEG("cs"),
	SEG("ss"),
	SEG("ds"),
	SEG("es"),
	SEG("fs"),
	SEG("gs"),
	ST("st0"),
	ST("st1"),
	ST("st2"),
	ST("st3"),
	ST("st4"),
	ST("st5"),
	ST("st6"),
	ST("st7"),
	X87("fctrl"),
	X87("fstat"),
	X87("ftag"),
	X87("fiseg"),
	X87("fioff"),
	X87("foseg"),
	X87("fooff"),
	X87("fop"),
	XMM("xmm0"),
	XMM("xmm1"),
	XMM("xmm2"),
	XMM("xmm3"),
	XMM("xmm4"),
	XMM("xmm5"),
	XMM("xmm6"),
	XMM("xmm7"),
	XMM("xmm8"),
	XMM("xmm9"),
	XMM("xmm10"),
	XMM("xmm11"),
	XMM("xmm12"),
	XMM("xmm13"),
	XMM("xmm14"),
	XMM("xmm15"),
	{ "mxcsr", 32, "int", "vector", FEATURE_SSE },
	{ "fs_base", 64, "int", NULL, FEATURE_SEGMENTS },
	{ "gs_base", 64, "int", NULL, FEATURE_SEGMENTS },
	SYS("cr0"),
	SYS("cr2"),
	SYS("cr3"),
	SYS("cr4"),
	SYS("efer"),
};

static const char *const feature_names[NR_FEATURES] = {
	"org.gnu.gdb.i386.core", "org.gnu.gdb.i386.sse", "org.gnu.gdb.i386.segments",
	"org.vitro.x86.system", /* ours: gdb shows it, no gdb code needs it */
};

/* Types a feature defines before its registers use them. */
static const char *const feature_types[NR_FEATURES] = {
	"<flags id=\"x86_eflags\" size=\"4\">"
	"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"
	"<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"
	"<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"
	"<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
	"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>"
	"<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
	"<field name=\"ID\" start=\"21\" end=\"21\"/></flags>",
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
	"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
	"<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
	"<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
	"<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>"
	"</union>",
	"",
	"",
};

#define X87_TAG_VALID 0
#define X87_TAG_ZERO 1
#define X87_TAG_SPECIAL 2
#define X87_TAG_EMPTY 3
#define X87_ST_BYTES 10

int gdb_x86_reg_slot(unsigned int regno, size_t *offset, size_t *size)
{
	size_t at = 0;
	unsigned int i;

	if (regno >= GDB_X86_NR_REGS)
		return -EINVAL;
	for (i = 0; i < regno; i++)
		at += reg_descs[i].bits / 8;
	*offset = at;
	*size = reg_descs[regno].bits / 8;
	return 0;
}

/* Appends formatted text to out; false once it no longer fits. */
static bool __attribute__((format(printf, 4, 5)))
xml_append(char *out, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *len)
		return false;
	*len += (size_t)n;
	return true;
}

static bool xml_append_reg(char *out, size_t size, size_t *len, unsigned int regno)
{
	const struct reg_desc *r = &reg_descs[regno];

	return xml_append(out, size, len,
			  "<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%u\"", r->name,
			  r->bits, r->type, regno) &&
	       (!r->group || xml_append(out, size, len, " group=\"%s\"", r->group)) &&
	       xml_append(out, size, len, "/>");
}

int gdb_x86_target_xml(char *out, size_t size)
{
	size_t len = 0;
	unsigned int f, i;
	bool is_ok;

	is_ok = xml_append(out, size, &len,
			   "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
			   "<target version=\"1.0\"><architecture>i386:x86-64</architecture>");
	for (f = 0; f < NR_FEATURES && is_ok; f++) {
		is_ok = xml_append(out, size, &len, "<feature name=\"%s\">%s", feature_names[f],
				   feature_types[f]);
		for (i = 0; i < GDB_X86_NR_REGS && is_ok; i++)
			if (reg_descs[i].feature == f)
				is_ok = xml_append_reg(out, size, &len, i);
		is_ok = is_ok && xml_append(out, size, &len, "</feature>");
	}
	is_ok = is_ok && xml_append(out, size, &len, "</target>");
	return is_ok ? (int)len : -ENOSPC;
}

/* gdb's order of the general registers, which differs from struct kvm_regs. */
static __u64 *gpr_ptr(struct kvm_regs *r, unsigned int n)
{
	__u64 *const gprs[16] = {
		&r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp, &r->rsp,
		&r->r8,	 &r->r9,  &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
	};

	return gprs[n];
}

static size_t reg_offset(unsigned int regno)
{
	size_t offset, size;

	gdb_x86_reg_slot(regno, &offset, &size);
	return offset;
}

static void put(uint8_t *buf, unsigned int regno, uint64_t value)
{
	size_t offset, size;

	gdb_x86_reg_slot(regno, &offset, &size);
	memcpy(buf + offset, &value, size < 8 ? size : 8);
}

static uint64_t get(const uint8_t *buf, unsigned int regno)
{
	size_t offset, size;
	uint64_t value = 0;

	gdb_x86_reg_slot(regno, &offset, &size);
	memcpy(&value, buf + offset, size < 8 ? size : 8);
	return value;
}

/* Intel SDM vol. 1, 8.1.7: the tag FXSAVE abridges to one bit per register. */
static unsigned int x87_classify(const uint8_t *st)
{
	unsigned int exponent = (st[9] << 8 | st[8]) & 0x7fff;
	uint64_t mantissa;

	memcpy(&mantissa, st, sizeof(mantissa));
	if (exponent == 0x7fff)
		return X87_TAG_SPECIAL;
	if (exponent == 0)
		return mantissa ? X87_TAG_SPECIAL : X87_TAG_ZERO;
	return mantissa >> 63 ? X87_TAG_VALID : X87_TAG_SPECIAL;
}

/* gdb wants the full tag word, indexed by physical register; FXSAVE's
 * registers are in stack order, ST(i) being physical (TOP + i) mod 8. */
static uint16_t x87_full_tag(const struct kvm_fpu *fpu)
{
	unsigned int top = (fpu->fsw >> 11) & 7, phys, tag;
	uint16_t word = 0;

	for (phys = 0; phys < 8; phys++) {
		tag = X87_TAG_EMPTY;
		if (fpu->ftwx & (1u << phys))
			tag = x87_classify(fpu->fpr[(phys - top) & 7]);
		word |= (uint16_t)(tag << (2 * phys));
	}
	return word;
}

static uint8_t x87_abridged_tag(uint16_t word)
{
	unsigned int phys;
	uint8_t tag = 0;

	for (phys = 0; phys < 8; phys++)
		if (((word >> (2 * phys)) & 3) != X87_TAG_EMPTY)
			tag |= (uint8_t)(1u << phys);
	return tag;
}

static void pack_fpu(const struct kvm_fpu *fpu, uint8_t *out)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		memcpy(out + reg_offset(GDB_X86_ST0 + i), fpu->fpr[i], X87_ST_BYTES);
	put(out, GDB_X86_FCTRL, fpu->fcw);
	put(out, GDB_X86_FSTAT, fpu->fsw);
	put(out, GDB_X86_FTAG, x87_full_tag(fpu));
	/* The 64-bit FXSAVE layout has no selectors: bits 32-63 of the
	 * instruction and operand pointers sit where they were. */
	put(out, GDB_X86_FISEG, fpu->last_ip >> 32);
	put(out, GDB_X86_FIOFF, (uint32_t)fpu->last_ip);
	put(out, GDB_X86_FOSEG, fpu->last_dp >> 32);
	put(out, GDB_X86_FOOFF, (uint32_t)fpu->last_dp);
	put(out, GDB_X86_FOP, fpu->last_opcode);
	for (i = 0; i < 16; i++)
		memcpy(out + reg_offset(GDB_X86_XMM0 + i), fpu->xmm[i], 16);
	put(out, GDB_X86_MXCSR, fpu->mxcsr);
}

void gdb_x86_regs_pack(const struct gdb_x86_state *state, uint8_t *out)
{
	struct kvm_regs regs = state->regs;
	const struct kvm_sregs *s = &state->sregs;
	const struct kvm_segment *segs[6] = { &s->cs, &s->ss, &s->ds, &s->es, &s->fs, &s->gs };
	unsigned int i;

	memset(out, 0, GDB_X86_REGS_SIZE);
	for (i = 0; i < 16; i++)
		put(out, GDB_X86_RAX + i, *gpr_ptr(&regs, i));
	put(out, GDB_X86_RIP, regs.rip);
	put(out, GDB_X86_EFLAGS, regs.rflags);
	for (i = 0; i < 6; i++)
		put(out, GDB_X86_CS + i, segs[i]->selector);
	pack_fpu(&state->fpu, out);
	put(out, GDB_X86_FS_BASE, s->fs.base);
	put(out, GDB_X86_GS_BASE, s->gs.base);
	put(out, GDB_X86_CR0, s->cr0);
	put(out, GDB_X86_CR2, s->cr2);
	put(out, GDB_X86_CR3, s->cr3);
	put(out, GDB_X86_CR4, s->cr4);
	put(out, GDB_X86_EFER, s->efer);
}

static bool is_read_only(unsigned int regno)
{
	return (regno >= GDB_X86_CS && regno <= GDB_X86_GS) ||
	       (regno >= GDB_X86_CR0 && regno <= GDB_X86_EFER);
}

static void unpack_fpu(const uint8_t *in, struct kvm_fpu *fpu)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		memcpy(fpu->fpr[i], in + reg_offset(GDB_X86_ST0 + i), X87_ST_BYTES);
	fpu->fcw = (uint16_t)get(in, GDB_X86_FCTRL);
	fpu->fsw = (uint16_t)get(in, GDB_X86_FSTAT);
	fpu->ftwx = x87_abridged_tag((uint16_t)get(in, GDB_X86_FTAG));
	fpu->last_ip = get(in, GDB_X86_FISEG) << 32 | get(in, GDB_X86_FIOFF);
	fpu->last_dp = get(in, GDB_X86_FOSEG) << 32 | get(in, GDB_X86_FOOFF);
	fpu->last_opcode = (uint16_t)get(in, GDB_X86_FOP);
	for (i = 0; i < 16; i++)
		memcpy(fpu->xmm[i], in + reg_offset(GDB_X86_XMM0 + i), 16);
	fpu->mxcsr = (uint32_t)get(in, GDB_X86_MXCSR);
}

int gdb_x86_regs_unpack(const uint8_t *in, struct gdb_x86_state *state)
{
	uint8_t current[GDB_X86_REGS_SIZE];
	size_t offset, size;
	unsigned int i;

	gdb_x86_regs_pack(state, current);
	for (i = 0; i < GDB_X86_NR_REGS; i++) {
		gdb_x86_reg_slot(i, &offset, &size);
		if (is_read_only(i) && memcmp(current + offset, in + offset, size))
			return -EPERM;
	}
	for (i = 0; i < 16; i++)
		*gpr_ptr(&state->regs, i) = get(in, GDB_X86_RAX + i);
	state->regs.rip = get(in, GDB_X86_RIP);
	state->regs.rflags = get(in, GDB_X86_EFLAGS);
	unpack_fpu(in, &state->fpu);
	state->sregs.fs.base = get(in, GDB_X86_FS_BASE);
	state->sregs.gs.base = get(in, GDB_X86_GS_BASE);
	return 0;
}
