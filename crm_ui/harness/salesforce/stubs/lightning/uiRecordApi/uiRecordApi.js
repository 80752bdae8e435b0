/*
 * Harness stand-in for lightning/uiRecordApi: records come from window.__NA_RECORDS__ (set
 * by the page from a fixture); updateRecord applies the change, logs it in
 * window.__NA_UPDATES__ and re-emits the record to every wired component, as LDS does.
 */
const wired = new Set();

function lookup(recordId) {
    return (window.__NA_RECORDS__ || {})[recordId];
}

class GetRecordAdapter {
    constructor(callback) {
        this.callback = callback;
        this.recordId = undefined;
    }

    connect() {
        wired.add(this);
    }

    disconnect() {
        wired.delete(this);
    }

    update(config) {
        this.recordId = config.recordId;
        this.emit();
    }

    emit() {
        const data = lookup(this.recordId);
        Promise.resolve().then(() =>
            this.callback(
                data
                    ? { data, error: undefined }
                    : { data: undefined, error: { body: { message: 'not found' } } }
            )
        );
    }
}

export function getRecord() {}
getRecord.adapter = GetRecordAdapter;

export function getFieldValue(record, field) {
    const f = record && record.fields && record.fields[field.fieldApiName];
    return f === undefined ? undefined : f.value;
}

export function updateRecord({ fields }) {
    window.__NA_UPDATES__ = window.__NA_UPDATES__ || [];
    window.__NA_UPDATES__.push(fields);
    const record = lookup(fields.Id);
    if (!record) {
        return Promise.reject({ body: { message: 'not found' } });
    }
    const copy = { ...record, fields: { ...record.fields } };
    for (const [name, value] of Object.entries(fields)) {
        if (name !== 'Id') {
            copy.fields[name] = { value, displayValue: null };
        }
    }
    window.__NA_RECORDS__[fields.Id] = copy;
    wired.forEach((w) => w.emit());
    return Promise.resolve(copy);
}
