/**
 * What `open(name)` resolves, kept per name, so a bucket is looked up once per process. A
 * rejection is not kept: the bucket may be created, or the permission granted, later.
 */
export class OpenOnce<T> {
  private readonly opened = new Map<string, Promise<T>>();

  constructor(private readonly open: (name: string) => Promise<T>) {}

  get(name: string): Promise<T> {
    let value = this.opened.get(name);
    if (!value) {
      value = this.open(name);
      value.catch(() => this.opened.delete(name));
      this.opened.set(name, value);
    }
    return value;
  }
}
