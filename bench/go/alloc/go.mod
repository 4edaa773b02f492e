module allocbench.example

go 1.26
