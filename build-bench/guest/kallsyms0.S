	.section .kallsyms, "a"
	.balign 8
	.globl kallsyms_nr_symbols, kallsyms_addresses, kallsyms_name_offsets, kallsyms_names
kallsyms_nr_symbols:
	.quad 0
kallsyms_addresses:
kallsyms_name_offsets:
kallsyms_names:
