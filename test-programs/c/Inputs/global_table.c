// A table another test file reads through an unsized extern declaration (clean_global_edges.c).
int squares[8] = {0, 1, 4, 9, 16, 25, 36, 49};
const int squares_count = 8;
