// The console is a Unix-domain socket with Unix file modes: these tests run on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
