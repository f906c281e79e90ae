/* See format.h. No floating point: the kernel has none. */
#include <stdbool.h>
#include <stdint.h>
#include <vitro/format.h>

struct format_out {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far, even past size */
};

static void out_char(struct format_out *out, char c)
{
	if (out->len + 1 < out->size)
		out->buf[out->len] = c;
	out->len++;
}

static void out_repeat(struct format_out *out, char c, int n)
{
	while (n-- > 0)
		out_char(out, c);
}

struct format_spec {
	bool left, zero, plus, space, alt, upper, is_signed;
	int width;
	int precision; /* -1: none */
	unsigned int base;
};

static void out_number(struct format_out *out, uint64_t value, bool negative,
		       const struct format_spec *spec)
{
	const char *digits = spec->upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros, pad;
	const char *prefix = "";
	bool is_zero = value == 0;
	int prefix_len;

	while (value) {
		tmp[n++] = digits[value % spec->base];
		value /= spec->base;
	}
	if (n == 0 && spec->precision != 0)
		tmp[n++] = '0';
	zeros = spec->precision > n ? spec->precision - n : 0;
	/* C11 7.21.6.1: '+' and ' ' apply to signed conversions only; '#'
	 * gives 0x to non-zero hex, and makes octal start with a 0 digit. */
	if (negative)
		prefix = "-";
	else if (spec->is_signed && spec->plus)
		prefix = "+";
	else if (spec->is_signed && spec->space)
		prefix = " ";
	if (spec->alt && spec->base == 16 && !is_zero)
		prefix = spec->upper ? "0X" : "0x";
	if (spec->alt && spec->base == 8 && zeros == 0 && (n == 0 || tmp[n - 1] != '0'))
		prefix = "0";
	prefix_len = 0;
	while (prefix[prefix_len])
		prefix_len++;

	pad = spec->width - n - zeros - prefix_len;
	if (spec->zero && !spec->left && spec->precision < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!spec->left)
		out_repeat(out, ' ', pad);
	while (*prefix)
		out_char(out, *prefix++);
	out_repeat(out, '0', zeros);
	while (n)
		out_char(out, tmp[--n]);
	if (spec->left)
		out_repeat(out, ' ', pad);
}

static void out_string(struct format_out *out, const char *s, const struct format_spec *spec)
{
	int n = 0, pad;

	if (!s)
		s = "(null)";
	while (s[n] && (spec->precision < 0 || n < spec->precision))
		n++;
	pad = spec->width - n;
	if (!spec->left)
		out_repeat(out, ' ', pad);
	while (n--)
		out_char(out, *s++);
	if (spec->left)
		out_repeat(out, ' ', pad);
}

enum format_length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static const char *parse_flags(const char *fmt, struct format_spec *spec)
{
	for (;; fmt++) {
		switch (*fmt) {
		case '-':
			spec->left = true;
			break;
		case '0':
			spec->zero = true;
			break;
		case '+':
			spec->plus = true;
			break;
		case ' ':
			spec->space = true;
			break;
		case '#':
			spec->alt = true;
			break;
		default:
			return fmt;
		}
	}
}

static const char *parse_number(const char *fmt, int *value, va_list *ap)
{
	if (*fmt == '*') {
		*value = va_arg(*ap, int);
		return fmt + 1;
	}
	*value = 0;
	while (*fmt >= '0' && *fmt <= '9')
		*value = *value * 10 + (*fmt++ - '0');
	return fmt;
}

static const char *parse_length(const char *fmt, enum format_length *len)
{
	*len = LEN_INT;
	if (fmt[0] == 'h' && fmt[1] == 'h') {
		*len = LEN_CHAR;
		return fmt + 2;
	}
	if (fmt[0] == 'l' && fmt[1] == 'l') {
		*len = LEN_LLONG;
		return fmt + 2;
	}
	switch (*fmt) {
	case 'h':
		*len = LEN_SHORT;
		return fmt + 1;
	case 'l':
		*len = LEN_LONG;
		return fmt + 1;
	case 'z':
	case 't':
		*len = LEN_SIZE;
		return fmt + 1;
	case 'j':
		*len = LEN_LLONG;
		return fmt + 1;
	default:
		return fmt;
	}
}

static int64_t fetch_signed(enum format_length len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		return va_arg(*ap, long); /* ssize_t, ptrdiff_t */
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t fetch_unsigned(enum format_length len, va_list *ap)
{
	switch (len) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

int format_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct format_out out = { buf, size, 0 };
	enum format_length len;
	va_list ap;

	va_copy(ap, ap_in);
	for (; *fmt; fmt++) {
		struct format_spec spec = { .precision = -1, .base = 10 };
		int64_t sv;

		if (*fmt != '%') {
			out_char(&out, *fmt);
			continue;
		}
		fmt = parse_flags(fmt + 1, &spec);
		fmt = parse_number(fmt, &spec.width, &ap);
		if (spec.width < 0) {
			spec.left = true;
			spec.width = -spec.width;
		}
		if (*fmt == '.') {
			fmt = parse_number(fmt + 1, &spec.precision, &ap);
			if (spec.precision < 0)
				spec.precision = -1;
		}
		fmt = parse_length(fmt, &len);
		switch (*fmt) {
		case 'd':
		case 'i':
			sv = fetch_signed(len, &ap);
			spec.is_signed = true;
			out_number(&out, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, sv < 0, &spec);
			break;
		case 'u':
			out_number(&out, fetch_unsigned(len, &ap), false, &spec);
			break;
		case 'X':
			spec.upper = true;
			/* fall through */
		case 'x':
			spec.base = 16;
			out_number(&out, fetch_unsigned(len, &ap), false, &spec);
			break;
		case 'o':
			spec.base = 8;
			out_number(&out, fetch_unsigned(len, &ap), false, &spec);
			break;
		case 'p': {
			const void *ptr = va_arg(ap, void *);

			/* As the C library: "(nil)" for NULL, else 0x and hex. */
			spec.precision = -1;
			if (!ptr) {
				out_string(&out, "(nil)", &spec);
				break;
			}
			spec.base = 16;
			spec.alt = true;
			out_number(&out, (uintptr_t)ptr, false, &spec);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			spec.precision = -1;
			if (!spec.left)
				out_repeat(&out, ' ', spec.width - 1);
			out_char(&out, c);
			if (spec.left)
				out_repeat(&out, ' ', spec.width - 1);
			break;
		}
		case 's':
			out_string(&out, va_arg(ap, const char *), &spec);
			break;
		case '%':
			out_char(&out, '%');
			break;
		case '\0':
			fmt--; /* lone '%' at the end: print nothing more */
			break;
		default:
			out_char(&out, '%');
			out_char(&out, *fmt);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[out.len < size ? out.len : size - 1] = '\0';
	return (int)out.len;
}

int format_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
