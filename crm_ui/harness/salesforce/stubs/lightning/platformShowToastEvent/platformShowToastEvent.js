// Harness stand-in for lightning/platformShowToastEvent: the event the record page shows as a toast.
export class ShowToastEvent extends CustomEvent {
    constructor(detail) {
        super('lightning__showtoast', { bubbles: true, composed: true, detail });
    }
}
