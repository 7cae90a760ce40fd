/* The raw cost of a btrfs snapshot and its deletion, with no runtime in between: the floor jimg is measured
 * against. Usage: snapprobe SOURCE_SUBVOLUME TARGET_DIRECTORY ROUNDS */
#include <fcntl.h>
#include <linux/btrfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s SOURCE_SUBVOLUME TARGET_DIRECTORY ROUNDS\n", argv[0]);
    return 2;
  }
  int rounds = atoi(argv[3]);
  int source = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int target = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (source < 0 || target < 0) {
    perror("open");
    return 1;
  }
  double *samples = calloc(rounds, sizeof(double));
  for (int i = 0; i < rounds; i++) {
    struct btrfs_ioctl_vol_args_v2 create;
    memset(&create, 0, sizeof create);
    create.fd = source;
    strcpy(create.name, "snapprobe");
    struct btrfs_ioctl_vol_args destroy;
    memset(&destroy, 0, sizeof destroy);
    strcpy(destroy.name, "snapprobe");
    double start = now_us();
    if (ioctl(target, BTRFS_IOC_SNAP_CREATE_V2, &create) < 0) {
      perror("BTRFS_IOC_SNAP_CREATE_V2");
      return 1;
    }
    if (ioctl(target, BTRFS_IOC_SNAP_DESTROY, &destroy) < 0) {
      perror("BTRFS_IOC_SNAP_DESTROY");
      return 1;
    }
    samples[i] = now_us() - start;
  }
  qsort(samples, rounds, sizeof(double), compare);
  double sum = 0;
  for (int i = 0; i < rounds; i++) sum += samples[i];
  printf("c-probe snapshot+delete: median %.0f us, mean %.0f us, p90 %.0f us (%d rounds)\n",
         samples[rounds / 2], sum / rounds, samples[rounds * 9 / 10], rounds);
  return 0;
}
