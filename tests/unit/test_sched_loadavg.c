/* The load average's and PSI's math (guest/kernel/sched/loadavg.c, psi.c)
 * against values worked out by hand from Linux's fixed-point formulas. */
#include <vitro/loadavg.h>
#include <vitro/psi.h>

#include "unit.h"

#define SEC 1000000000ull

static void test_calc_load_rises_rounding_up_and_decays_rounding_down(void)
{
	/* 0 * 1884 + 2048 * 164, plus 2047 while rising, over 2048: 164. */
	EXPECT_EQ(calc_load(0, EXP_1, FIXED_1), 164);
	EXPECT_EQ(calc_load(164, EXP_1, FIXED_1), 315);
	/* 164 is 0.08 as /proc/loadavg prints it. */
	EXPECT_EQ(LOAD_INT(164), 0);
	EXPECT_EQ(LOAD_FRAC(164), 8);
	/* Falling: 2048 * 1884 / 2048, no rounding. */
	EXPECT_EQ(calc_load(FIXED_1, EXP_1, 0), 1884);
	EXPECT_EQ(calc_load(0, EXP_5, FIXED_1), 34);
	EXPECT_EQ(calc_load(0, EXP_15, FIXED_1), 11);
}

static void test_fixed_power_matches_repeated_steps(void)
{
	EXPECT_EQ(fixed_power_int(EXP_1, FSHIFT, 0), FIXED_1);
	EXPECT_EQ(fixed_power_int(EXP_1, FSHIFT, 1), EXP_1);
	/* (1884^2 + 1024) >> 11 = 1733; squared again: 1466. */
	EXPECT_EQ(fixed_power_int(EXP_1, FSHIFT, 2), 1733);
	EXPECT_EQ(fixed_power_int(EXP_1, FSHIFT, 4), 1466);
	/* 1677 * (1677^2 rounded) rounded: 1124. */
	EXPECT_EQ(fixed_power_int(PSI_EXP_10S, FSHIFT, 3), 1124);
	EXPECT_EQ(calc_load_n(FIXED_1, EXP_1, 0, 2),
		  calc_load(calc_load(FIXED_1, EXP_1, 0), EXP_1, 0));
}

static void test_loadavg_takes_the_average_active_count_every_five_seconds(void)
{
	struct loadavg la;

	loadavg_init(&la, 0);
	/* Nothing before the first mark. */
	EXPECT_FALSE(loadavg_update(&la, 5 * SEC - 1, 5 * SEC - 1));
	EXPECT_EQ(la.avenrun[0], 0);
	/* One task active all along: 1.0 in, as in the hand steps above. */
	EXPECT_TRUE(loadavg_update(&la, 5 * SEC, 5 * SEC));
	EXPECT_EQ(la.avenrun[0], 164);
	EXPECT_EQ(la.avenrun[1], 34);
	EXPECT_EQ(la.avenrun[2], 11);
	EXPECT_EQ(la.next_update_ns, 10 * SEC);
	/* Active half of the next interval: 0.5 (1024) in.
	 * (164 * 1884 + 1024 * 164 + 2047) / 2048 = 233. */
	EXPECT_TRUE(loadavg_update(&la, 10 * SEC, 5 * SEC + 5 * SEC / 2));
	EXPECT_EQ(la.avenrun[0], 233);
	/* Idle until 30 s: the marks at 15, 20, 25 and 30 s all pass with
	 * nothing active, in one step: 233 * 1884^4 = 233 * 1466 / 2048. */
	EXPECT_FALSE(loadavg_update(&la, 15 * SEC - 1, 7 * SEC + SEC / 2));
	EXPECT_TRUE(loadavg_update(&la, 30 * SEC, 7 * SEC + SEC / 2));
	EXPECT_EQ(la.avenrun[0], 166);
	EXPECT_EQ(la.next_update_ns, 35 * SEC);
}

static void test_psi_state_mask_follows_linux_test_state(void)
{
	unsigned int none[NR_PSI_TASK_COUNTS] = { 0 };
	unsigned int queued[NR_PSI_TASK_COUNTS] = { [PSI_NR_RUNNING] = 2, [PSI_NR_ONCPU] = 1 };
	unsigned int reclaiming[NR_PSI_TASK_COUNTS] = { [PSI_NR_MEMSTALL] = 1,
							[PSI_NR_RUNNING] = 1,
							[PSI_NR_ONCPU] = 1,
							[PSI_NR_MEMSTALL_RUNNING] = 1 };
	unsigned int reclaiming_with_other[NR_PSI_TASK_COUNTS] = { [PSI_NR_MEMSTALL] = 1,
								   [PSI_NR_RUNNING] = 2,
								   [PSI_NR_ONCPU] = 1,
								   [PSI_NR_MEMSTALL_RUNNING] = 1 };
	unsigned int waiting_io[NR_PSI_TASK_COUNTS] = { [PSI_NR_IOWAIT] = 1 };

	EXPECT_EQ(psi_state_mask(none), 0);
	EXPECT_EQ(psi_state_mask(queued), 1u << PSI_CPU_SOME | 1u << PSI_NONIDLE);
	EXPECT_EQ(psi_state_mask(reclaiming),
		  1u << PSI_MEM_SOME | 1u << PSI_MEM_FULL | 1u << PSI_NONIDLE);
	/* Another task makes progress: some, not full. */
	EXPECT_EQ(psi_state_mask(reclaiming_with_other),
		  1u << PSI_MEM_SOME | 1u << PSI_CPU_SOME | 1u << PSI_NONIDLE);
	EXPECT_EQ(psi_state_mask(waiting_io),
		  1u << PSI_IO_SOME | 1u << PSI_IO_FULL | 1u << PSI_NONIDLE);
}

static void test_psi_cpu_charges_each_state_its_time(void)
{
	unsigned int queued[NR_PSI_TASK_COUNTS] = { [PSI_NR_RUNNING] = 2, [PSI_NR_ONCPU] = 1 };
	unsigned int alone[NR_PSI_TASK_COUNTS] = { [PSI_NR_RUNNING] = 1, [PSI_NR_ONCPU] = 1 };
	unsigned int idle[NR_PSI_TASK_COUNTS] = { 0 };
	uint64_t times[NR_PSI_STATES];
	uint32_t delta[NR_PSI_STATES];
	struct psi_cpu pc;

	psi_cpu_init(&pc, 0);
	psi_cpu_change(&pc, 0, queued);
	psi_cpu_change(&pc, 1 * SEC, alone);
	psi_cpu_change(&pc, 3 * SEC, idle);
	psi_cpu_times(&pc, 10 * SEC, times);
	EXPECT_EQ(times[PSI_CPU_SOME], 1 * SEC);
	EXPECT_EQ(times[PSI_NONIDLE], 3 * SEC);
	EXPECT_EQ(times[PSI_MEM_SOME], 0);
	/* A collection takes what came since the last one. */
	psi_cpu_collect(&pc, 10 * SEC, delta);
	EXPECT_EQ(delta[PSI_NONIDLE], 3 * SEC);
	psi_cpu_change(&pc, 11 * SEC, queued);
	psi_cpu_collect(&pc, 12 * SEC, delta);
	EXPECT_EQ(delta[PSI_CPU_SOME], 1 * SEC);
	EXPECT_EQ(delta[PSI_NONIDLE], 1 * SEC);
}

static void test_psi_system_weighs_cpus_by_their_nonidle_time(void)
{
	uint32_t delta[2][NR_PSI_STATES] = { 0 };
	struct psi_system ps;

	psi_system_init(&ps, 0);
	/* CPU 0: busy 2 s, stalled 1 s of it; CPU 1: busy 1 s, no stall.
	 * 1 s * 2/3 + 0 * 1/3. */
	delta[0][PSI_CPU_SOME] = 1 * SEC;
	delta[0][PSI_NONIDLE] = 2 * SEC;
	delta[1][PSI_NONIDLE] = 1 * SEC;
	psi_system_fold(&ps, delta, 2);
	EXPECT_EQ(ps.total_ns[PSI_CPU_SOME], 666666666);
	EXPECT_EQ(ps.total_ns[PSI_MEM_SOME], 0);
}

static void test_psi_averages_decay_over_missed_periods(void)
{
	struct psi_system ps;

	psi_system_init(&ps, 0);
	ps.total_ns[PSI_MEM_SOME] = 1 * SEC;
	EXPECT_FALSE(psi_system_update_averages(&ps, 2 * SEC - 1));
	/* Half of a 2 s period: 50% = 102400 in fixed point.
	 * (102400 * (2048 - 1677) + 2047) / 2048 = 18550, printed 9.05. */
	EXPECT_TRUE(psi_system_update_averages(&ps, 2 * SEC));
	EXPECT_EQ(ps.avg[PSI_MEM_SOME][0], 18550);
	EXPECT_EQ(ps.avg[PSI_MEM_SOME][1], 3350);
	EXPECT_EQ(ps.avg[PSI_MEM_SOME][2], 700);
	EXPECT_EQ(LOAD_INT(18550), 9);
	EXPECT_EQ(LOAD_FRAC(18550), 5);
	EXPECT_EQ(ps.avg[PSI_CPU_SOME][0], 0);
	/* Nothing until 10 s: three periods missed (zeros, 1677^3 = 1124),
	 * then the last one: 18550 * 1124 / 2048 = 10180, * 1677 / 2048 = 8335. */
	EXPECT_TRUE(psi_system_update_averages(&ps, 10 * SEC));
	EXPECT_EQ(ps.avg[PSI_MEM_SOME][0], 8335);
	EXPECT_EQ(ps.avg_next_update_ns, 12 * SEC);
	/* A stall folded in late never counts for more than the period. */
	ps.total_ns[PSI_IO_SOME] = 5 * SEC;
	EXPECT_TRUE(psi_system_update_averages(&ps, 12 * SEC));
	EXPECT_EQ(ps.avg_total_ns[PSI_IO_SOME], 2 * SEC);
	/* 100%: (204800 * 371 + 2047) / 2048 = 37100. */
	EXPECT_EQ(ps.avg[PSI_IO_SOME][0], 37100);
}

static CU_TestInfo sched_loadavg_tests[] = {
	UNIT_TEST(test_calc_load_rises_rounding_up_and_decays_rounding_down),
	UNIT_TEST(test_fixed_power_matches_repeated_steps),
	UNIT_TEST(test_loadavg_takes_the_average_active_count_every_five_seconds),
	UNIT_TEST(test_psi_state_mask_follows_linux_test_state),
	UNIT_TEST(test_psi_cpu_charges_each_state_its_time),
	UNIT_TEST(test_psi_system_weighs_cpus_by_their_nonidle_time),
	UNIT_TEST(test_psi_averages_decay_over_missed_periods),
	CU_TEST_INFO_NULL,
};

static void register_sched_loadavg(void)
{
	unit_add_suite("sched_loadavg", sched_loadavg_tests);
}
UNIT_REGISTER(register_sched_loadavg)
