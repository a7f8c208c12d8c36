module github.com/libcontour/libcontour/bindings/go

go 1.21
