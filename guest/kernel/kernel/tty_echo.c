/* See tty_echo.h. Reads go through the VFS, as a shell's will. */
#include <vitro/fs.h>
#include <vitro/printk.h>
#include <vitro/string.h>

#include "../../../shared/machine.h"
#include "rootfs.h"
#include "tty_echo.h"

__noreturn void tty_echo_run(void)
{
	static const char prompt[] = "tty> ";
	struct file *tty;
	char line[256];
	long n;

	if (vfs_open(&init_fs, "/dev/console", O_RDWR, 0, &tty)) {
		pr_emerg("tty: cannot open /dev/console\n");
		machine_exit(GUEST_EXIT_TEST_FAILED);
	}
	for (;;) {
		vfs_write(tty, prompt, sizeof(prompt) - 1);
		n = vfs_read(tty, line, sizeof(line));
		if (n <= 0) {
			pr_emerg("tty: end of file\n");
			break;
		}
		if (line[n - 1] == '\n')
			n--;
		pr_emerg("tty: line '%.*s'\n", (int)n, line);
		if (n == 4 && !memcmp(line, "quit", 4))
			break;
	}
	vfs_close(tty);
	machine_exit(GUEST_EXIT_SUCCESS);
}
