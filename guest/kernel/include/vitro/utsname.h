/* Who the kernel says it is: uname(2) and /proc/version. Linux's name and a
 * release new enough for every libc (glibc refuses kernels older than 3.2). */
#ifndef VITRO_UTSNAME_H
#define VITRO_UTSNAME_H

#ifndef VITRO_VERSION
#define VITRO_VERSION "unknown"
#endif

#define UTS_SYSNAME "Linux"
#define UTS_NODENAME "vitro"
#define UTS_RELEASE "6.1.0-vitro"
#define UTS_MACHINE "x86_64"
#define UTS_VERSION "#1 SMP vitro " VITRO_VERSION

#endif
