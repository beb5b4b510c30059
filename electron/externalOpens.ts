/**
 * Files the OS asks the app to open (command line, double-click, macOS `open-file`, a second
 * launch) can arrive before the window exists or while its page is loading, when a message to the
 * page would be lost. They wait here until the page has loaded; the newest request wins, as the
 * window shows one design at a time.
 */
export class ExternalOpens {
  private pending: string | null;
  private pageReady = false;

  constructor(
    private readonly open: (path: string) => void,
    initial: string | null = null,
  ) {
    this.pending = initial;
  }

  request(path: string): void {
    if (this.pageReady) this.open(path);
    else this.pending = path;
  }

  /** The page is (re)loading: hold requests until it has loaded. */
  pageLoading(): void {
    this.pageReady = false;
  }

  pageLoaded(): void {
    this.pageReady = true;
    const path = this.pending;
    this.pending = null;
    if (path !== null) this.open(path);
  }
}
