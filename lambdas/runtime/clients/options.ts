/** What differs between AWS and the offline stack: the endpoint and the credentials. */
export interface ClientOptions {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}
