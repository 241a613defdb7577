{
  "targets": [
    {
      "target_name": "qga_vsock",
      "sources": ["src/qga_vsock.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-O2"],
      "libraries": ["-lpthread", "-ldl"]
    }
  ]
}
