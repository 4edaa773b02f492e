module ringtest.example/ring

go 1.26
