// fork: the child uses and frees memory allocated by the parent, both exit cleanly.
// RUN: %ffisan_cc -O0 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
// RUN: %ffisan_cc -O2 %s -o %t && %t 2>&1 | FileCheck --implicit-check-not=ffisan %s
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  char *shared = strdup("inherited");
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    shared[0] = 'I';
    char *mine = malloc(64);
    snprintf(mine, 64, "child sees %s", shared);
    puts(mine);
    free(mine);
    free(shared);
    fflush(stdout);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  printf("parent sees %s, child status %d\n", shared, WEXITSTATUS(status));
  free(shared);
  return 0;
}
// CHECK: child sees Inherited
// CHECK: parent sees inherited, child status 0
